import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';

/** The words SPDY/3's header dictionary lists, each written with a 4-byte length before it (the SPDY/3 specification, 2.6.10.1). */
const WORDS =
  'options,head,post,put,delete,trace,accept,accept-charset,accept-encoding,accept-language,accept-ranges,age,' +
  'allow,authorization,cache-control,connection,content-base,content-encoding,content-language,content-length,' +
  'content-location,content-md5,content-range,content-type,date,etag,expect,expires,from,host,if-match,' +
  'if-modified-since,if-none-match,if-range,if-unmodified-since,last-modified,location,max-forwards,pragma,' +
  'proxy-authenticate,proxy-authorization,range,referer,retry-after,server,te,trailer,transfer-encoding,upgrade,' +
  'user-agent,vary,via,warning,www-authenticate,method,get,status,200 OK,version,HTTP/1.1,url,public,set-cookie,' +
  'keep-alive,origin';
/** ... followed by this text as it is. */
const TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden' +
  '404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,' +
  'publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** The zlib dictionary of SPDY/3 header blocks. */
export const SPDY_HEADER_DICTIONARY: Buffer = Buffer.concat([
  ...WORDS.split(',').flatMap((w) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(w.length, 0);
    return [length, Buffer.from(w)];
  }),
  Buffer.from(TAIL),
]);

/**
 * One direction's header compression: a single zlib stream for the whole connection, each header
 * block ending with a sync flush, so blocks must be run one at a time, in frame order.
 */
export class HeaderZlib {
  readonly #z: Inflate | Deflate;
  #out: Buffer[] = [];
  #failed: Error | undefined;

  constructor(direction: 'inflate' | 'deflate') {
    this.#z = direction === 'inflate' ? createInflate({ dictionary: SPDY_HEADER_DICTIONARY }) : createDeflate({ dictionary: SPDY_HEADER_DICTIONARY });
    this.#z.on('data', (chunk: Buffer) => this.#out.push(chunk));
    this.#z.on('error', (err: Error) => {
      this.#failed = err;
    });
  }

  run(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.#failed) return reject(this.#failed);
      this.#z.write(block);
      this.#z.flush(constants.Z_SYNC_FLUSH, () => {
        if (this.#failed) return reject(this.#failed);
        const out = Buffer.concat(this.#out);
        this.#out = [];
        resolve(out);
      });
    });
  }

  close(): void {
    this.#z.close();
  }
}
