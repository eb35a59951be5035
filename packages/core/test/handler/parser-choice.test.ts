import { describe, expect, it } from 'vitest';
import { PARSER_ENGINES } from '../../src/parser/engines.js';
import { memoryHandler, send } from '../support.js';

describe('parser option', () => {
  it.each(PARSER_ENGINES)('%s parses the same upload the same way', async (parser) => {
    const { handler, storage } = memoryHandler({ parser });
    expect(handler.options.parser).toBe(parser);
    const { result } = await send(
      handler,
      [
        { name: 'a', value: '1' },
        { name: 'f', filename: 'x.txt', content: 'hello', contentType: 'text/plain' },
      ],
      { chunkSize: 7 },
    );
    expect(result!.fields.a).toBe('1');
    expect(storage.read(result!.files.f![0]!.key)!.toString()).toBe('hello');
  });

  it('refuses an unknown parser at creation', () => {
    expect(() => memoryHandler({ parser: 'formidable' as never })).toThrow(/parser must be one of/);
  });
});
