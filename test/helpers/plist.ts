// A strict reader for the XML property lists we write (plutil is macOS-only): dict, array, key, string, integer,
// true, false. Anything else, an unclosed tag or a dict key without a value throws, naming what it found.
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

export function parsePlist(xml: string): PlistValue {
  const body = xml
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const tokens = [...body.matchAll(/<(\/?)([a-z]+)(\s[^>]*)?(\/?)>|([^<]+)/g)].map((match) => ({
    isClose: match[1] === '/',
    name: match[2] ?? '',
    isEmpty: match[4] === '/',
    text: match[5] ?? '',
  }));
  const meaningful = tokens.filter((token) => token.name !== '' || token.text.trim() !== '');
  let at = 0;
  const next = (): (typeof meaningful)[number] => {
    const token = meaningful[at];
    at += 1;
    if (token === undefined) throw new Error('plist ends early');
    return token;
  };
  const expectClose = (name: string): void => {
    const token = next();
    if (!token.isClose || token.name !== name) throw new Error(`expected </${name}>, found ${token.name || token.text}`);
  };
  const readText = (name: string): string => {
    const token = meaningful[at];
    if (token !== undefined && token.isClose && token.name === name) {
      at += 1;
      return '';
    }
    const text = next();
    if (text.name !== '') throw new Error(`<${name}> holds <${text.name}>, expected text`);
    expectClose(name);
    return text.text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  };
  const readValue = (): PlistValue => {
    const token = next();
    if (token.isClose || token.name === '') throw new Error(`expected a value, found ${token.name ? `</${token.name}>` : token.text.trim()}`);
    switch (token.name) {
      case 'true':
      case 'false':
        if (!token.isEmpty) expectClose(token.name);
        return token.name === 'true';
      case 'string':
        return token.isEmpty ? '' : readText('string');
      case 'integer': {
        const text = readText('integer');
        if (!/^-?\d+$/.test(text)) throw new Error(`<integer> holds "${text}"`);
        return Number(text);
      }
      case 'array': {
        const items: PlistValue[] = [];
        while (!(meaningful[at]?.isClose && meaningful[at]?.name === 'array')) items.push(readValue());
        expectClose('array');
        return items;
      }
      case 'dict': {
        const dict: Record<string, PlistValue> = {};
        while (!(meaningful[at]?.isClose && meaningful[at]?.name === 'dict')) {
          const key = next();
          if (key.name !== 'key' || key.isClose) throw new Error(`expected <key> in <dict>, found ${key.name || key.text.trim()}`);
          const name = readText('key');
          if (name in dict) throw new Error(`duplicate key ${name}`);
          dict[name] = readValue();
        }
        expectClose('dict');
        return dict;
      }
      default:
        throw new Error(`unknown plist element <${token.name}>`);
    }
  };
  const root = next();
  if (root.name !== 'plist' || root.isClose) throw new Error('no <plist> root element');
  const value = readValue();
  expectClose('plist');
  if (at !== meaningful.length) throw new Error('content after </plist>');
  return value;
}
