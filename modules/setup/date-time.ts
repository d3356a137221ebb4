import {type Sections, valueOf} from './sections.js';

/*
 * Ansible's date_time facts, every value a string as Ansible gives them, computed from one
 * `date '+%s %N %z %Z'` on the host: the epoch, its nanoseconds, and the host's offset and zone
 * name, so the local fields are the host's, not the controller's. (tz_dst, the zone's daylight
 * saving name, is not among them: date cannot print it.)
 */

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** The offset `+0530` in seconds. */
function offsetSeconds(offset: string): number {
	const match = /^([+-])(\d\d)(\d\d)$/.exec(offset);
	return match ? (match[1] === '-' ? -1 : 1) * ((Number(match[2]) * 60) + Number(match[3])) * 60 : 0;
}

/** Calendar fields of a moment, read in UTC (the local time is passed in already shifted). */
function fields(date: Date) {
	const year = date.getUTCFullYear();
	const dayOfYear = Math.floor((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000);
	const weekday = date.getUTCDay();
	return {
		year: String(year),
		month: pad(date.getUTCMonth() + 1),
		day: pad(date.getUTCDate()),
		hour: pad(date.getUTCHours()),
		minute: pad(date.getUTCMinutes()),
		second: pad(date.getUTCSeconds()),
		weekday: weekdays[weekday]!,
		weekday_number: String(weekday),
		// strftime's %W: weeks starting on Monday; days before the year's first Monday are week 00.
		weeknumber: pad(Math.floor((dayOfYear + 7 - ((weekday + 6) % 7)) / 7)),
	};
}

export function dateTimeFacts(sections: Sections): Record<string, string> | undefined {
	const [epoch = '', nanos = '', offset = '', zone = ''] = (valueOf(sections, 'date') ?? '').split(/\s+/);
	if (!/^\d+$/.test(epoch)) {
		return undefined;
	}

	// busybox's date has no %N: the microseconds are then 0.
	const micro = /^\d{9}$/.test(nanos) ? nanos.slice(0, 6) : '000000';
	const utc = fields(new Date(Number(epoch) * 1000));
	const local = fields(new Date((Number(epoch) + offsetSeconds(offset)) * 1000));
	const date = `${local.year}-${local.month}-${local.day}`;
	const time = `${local.hour}:${local.minute}:${local.second}`;
	const utcStamp = `${utc.year}-${utc.month}-${utc.day}T${utc.hour}:${utc.minute}:${utc.second}`;
	const basic = `${local.year}${local.month}${local.day}T${local.hour}${local.minute}${local.second}`;
	return {
		...local,
		epoch,
		epoch_int: epoch,
		date,
		time,
		iso8601_micro: `${utcStamp}.${micro}Z`,
		iso8601: `${utcStamp}Z`,
		iso8601_basic: `${basic}${micro}`,
		iso8601_basic_short: basic,
		tz: zone,
		tz_offset: offset,
	};
}
