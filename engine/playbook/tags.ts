/** --tags / --skip-tags, with Ansible's special tags: always runs unless skipped by name, never only when asked. */
export function selectedByTags(tags: ReadonlySet<string>, only: readonly string[], skip: readonly string[]): boolean {
	if (skip.some(tag => tags.has(tag)) || (skip.includes('all') && !tags.has('always'))) {
		return false;
	}

	if (tags.has('always')) {
		return true;
	}

	if (only.length === 0 || only.includes('all')) {
		return !tags.has('never');
	}

	if (only.includes('tagged') && tags.size > 0) {
		return true;
	}

	if (only.includes('untagged') && tags.size === 0) {
		return true;
	}

	return only.some(tag => tags.has(tag));
}
