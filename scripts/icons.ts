// `npm run icons`: the app's icon set from assets/icon.svg, as electron-builder wants it
// (assets/icons/NxN.png for Linux, icon.icns for macOS, icon.ico for Windows), plus the
// icon system notifications carry (assets/notification.png) and the renderer's favicon.
// Pure npm packages (resvg renders the SVG, png2icons packs ICNS and ICO): no system tools.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = path.join(root, 'assets');
/** Linux icon sizes (hicolor theme); 1024 is the master for ICNS and ICO. */
export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const NOTIFICATION_ICON_SIZE = 256;

const svg = readFileSync(path.join(assets, 'icon.svg'));
const render = (size: number): Buffer => Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng());

mkdirSync(path.join(assets, 'icons'), { recursive: true });
for (const size of ICON_SIZES) writeFileSync(path.join(assets, 'icons', `${size}x${size}.png`), render(size));
const master = render(1024);
writeFileSync(path.join(assets, 'icon.png'), master);
writeFileSync(path.join(assets, 'notification.png'), render(NOTIFICATION_ICON_SIZE));
const icns = png2icons.createICNS(master, png2icons.BICUBIC, 0);
const ico = png2icons.createICO(master, png2icons.BICUBIC, 0, false, true);
if (!icns || !ico) throw new Error('png2icons could not pack the icon');
writeFileSync(path.join(assets, 'icon.icns'), icns);
writeFileSync(path.join(assets, 'icon.ico'), ico);
copyFileSync(path.join(assets, 'icon.svg'), path.join(root, 'renderer', 'public', 'favicon.svg'));
process.stdout.write(`icons written to ${path.relative(root, assets)}/\n`);
