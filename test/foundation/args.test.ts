import { describe, expect, it } from 'vitest';
import { parseAppArgs } from '../../electron/app/args.js';

describe('app arguments', () => {
  it('reads our flags and ignores Chromium switches', () => {
    expect(parseAppArgs(['--data-dir', '/tmp/w', '--web', '--port=8080', '--enable-logging', '--platform-url', 'https://p.example/'])).toEqual({
      data_dir: '/tmp/w',
      web: true,
      port: 8080,
      platform_url: 'https://p.example/',
    });
    expect(parseAppArgs([])).toEqual({ web: false, port: 0 });
  });

  it.each([
    [['--data-dir'], /--data-dir needs a value/],
    [['--port', 'abc'], /--port must be a number/],
    [['--port', '70000'], /--port/],
    [['--platform-url', 'ftp://x'], /--platform-url/],
    [['--platform-url', 'not a url'], /--platform-url/],
  ])('%j is refused with a clear error', (argv, message) => {
    expect(() => parseAppArgs(argv)).toThrow(message);
  });
});
