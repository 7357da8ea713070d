/** genie codec-server: lets a Temporal Web UI show Genie's encrypted payloads decoded. */
import { AesGcmCodec } from '../../temporal/codec/aes-gcm-codec';
import { keyringFile, readKeyring } from '../../temporal/codec/keyring';
import { startCodecServer } from '../../temporal/codec/server';
import type { Command } from '../command';
import { EXIT, type Output, UsageError } from '../output';
import { portOption } from '../port-option';
import { untilSignal } from '../until-signal';

export const command: Command = {
  name: 'codec-server',
  summary: "Serve Temporal's remote codec protocol (/decode, /encode) for a Web UI, with the worker's keyring.",
  usage: 'genie codec-server [--port P] [--host H] [--ui-origin URL]...',
  details: [
    '  Requests need Authorization: Bearer $GENIE_CODEC_TOKEN, except browser requests from a --ui-origin.',
    '  Point the UI at it: temporal server start-dev --ui-codec-endpoint http://127.0.0.1:P (genie up does this itself).',
  ],
  options: {
    port: { type: 'string', help: 'port to listen on (default 8234)' },
    host: { type: 'string', help: 'address to listen on (default 127.0.0.1)' },
    'ui-origin': { type: 'string', multiple: true, help: 'a Web UI origin allowed by CORS; repeat for more' },
  },
  async run(values, _positionals, out) {
    const ring = readKeyring();
    if (!ring) throw new UsageError(`no keyring at ${keyringFile()}: run genie up once, or set GENIE_KEYRING`);
    const token = process.env.GENIE_CODEC_TOKEN;
    const uiOrigins = (values['ui-origin'] as string[] | undefined) ?? [];
    // An Origin header proves nothing: every caller, the UI included, must present the token.
    if (!token)
      throw new UsageError(
        'set GENIE_CODEC_TOKEN: every request to the codec server must carry it as a bearer token (--ui-origin only adds CORS headers for that UI)',
      );
    const port = portOption(values.port, '--port', 8234);
    const server = await startCodecServer({
      codec: new AesGcmCodec(ring),
      uiOrigins,
      port,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      ...(token ? { token } : {}),
    });
    out.print(`codec server on ${server.url} (keyring ${keyringFile()}, current key ${ring.current}); Ctrl-C stops it`);
    await untilSignal();
    await server.close();
    return EXIT.ok;
  },
};
