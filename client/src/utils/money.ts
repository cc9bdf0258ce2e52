// Money formatting lives in the one formatting module; this path stays for its older importers.
export { fenToYuan, formatYuan, yuanToFen } from './format';
