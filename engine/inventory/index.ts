// The inventory's public face: everything else in this folder is how it is read.
export {loadInventory, localhostNames, type Group, type Host, type Inventory} from './inventory.js';
export {selectHosts, type HostSelection} from './patterns.js';
export {connectionSettings, type ConnectionSettings} from './connection-settings.js';
export {graphInventory, listInventory} from './listing.js';
