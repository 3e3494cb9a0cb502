// electron-builder.yml is checked against electron-builder's own JSON schema
// (app-builder-lib/scheme.json), so config mistakes fail here, without Electron.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const config = parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\'s schema', () => {
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check catches mistakes', () => {
    expect(validate({ ...config, asarr: true })).toBe(false); // misspelt key
    expect(validate({ ...config, asar: 'yes' })).toBe(false); // wrong type
    expect(validate({ ...config, electronFuses: { runAsNode: 'off' } })).toBe(false);
  });

  it('targets Linux, macOS and Windows and unpacks native modules', () => {
    expect(JSON.stringify(config.linux)).toMatch(/AppImage/);
    expect(JSON.stringify(config.linux)).toMatch(/deb/);
    expect(JSON.stringify(config.mac)).toMatch(/dmg/);
    expect(JSON.stringify(config.win)).toMatch(/nsis/);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('points at the icon set in assets/ for each platform, and the files are what they say', () => {
    const at = (p: string) => readFileSync(path.join(ROOT, p));
    const mac = config.mac as { icon: string };
    const win = config.win as { icon: string };
    const linux = config.linux as { icon: string };
    expect(at(mac.icon).subarray(0, 4).toString('latin1')).toBe('icns');
    expect(at(mac.icon).readUInt32BE(4)).toBe(at(mac.icon).length); // the ICNS header's total length
    const ico = at(win.icon);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]); // ICO: reserved 0, type 1 (icon)
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5); // several sizes, 16 to 256
    const pngSize = (p: string) => { const b = at(p); expect(b.subarray(1, 4).toString('latin1')).toBe('PNG'); return [b.readUInt32BE(16), b.readUInt32BE(20)]; };
    for (const n of [16, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(`${linux.icon}/${n}x${n}.png`)).toEqual([n, n]);
    // The notifications' icon ships inside the app.
    expect(config.files).toContain('assets/notification.png');
    expect(pngSize('assets/notification.png')).toEqual([256, 256]);
    expect((config.directories as { buildResources: string }).buildResources).toBe('assets');
  });

  it('packages the built entry points named in package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main.mjs');
    expect(config.files).toContain('dist/electron/**');
    expect(config.files).toContain('dist/renderer/**');
  });
});
