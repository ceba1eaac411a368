import { IncomingMessage, type ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The two objects Express moves every request and response onto (`app.request`, `app.response`). */
interface ExpressPrototypes {
  request: object;
  response: object;
}

export interface ExpressServerClasses {
  /** For `http.createServer(options, handler)`. */
  options: ServerOptions;
  /** Makes the requests and responses created from now on inherit from this app's prototypes. */
  use(app: ExpressPrototypes): void;
}

/**
 * Request and response classes for `http.createServer` whose instances are born with the Express
 * app's own prototypes. Express moves every request and response onto `app.request` and
 * `app.response` with `Object.setPrototypeOf`, and V8 makes that expensive: the objects lose their
 * fast shapes, and everything that touches them afterwards is slower. On this project's machine that
 * was ~120 µs of an Express request's ~180 µs (docs/performance.md). Created with those prototypes
 * already, Express's call changes nothing. Node 20 still defines IncomingMessage and ServerResponse
 * as plain constructor functions, which these call; should a later Node make them classes, the
 * options are empty and Node's own classes (and Express's prototype switch) are used.
 */
export function expressServerClasses(): ExpressServerClasses {
  const isClass = (fn: unknown) => /^class\b/.test(Function.prototype.toString.call(fn));
  if (isClass(IncomingMessage) || isClass(ServerResponse)) return { options: {}, use() {} };
  function BylineRequest(this: IncomingMessage, socket: Socket) {
    (IncomingMessage as unknown as (this: IncomingMessage, socket: Socket) => void).call(this, socket);
  }
  function BylineResponse(this: ServerResponse, req: IncomingMessage, options?: object) {
    (
      ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: object) => void
    ).call(this, req, options);
  }
  BylineRequest.prototype = IncomingMessage.prototype;
  BylineResponse.prototype = ServerResponse.prototype;
  return {
    options: {
      IncomingMessage: BylineRequest as unknown as typeof IncomingMessage,
      ServerResponse: BylineResponse as unknown as typeof ServerResponse,
    },
    use(app) {
      (BylineRequest as { prototype: object }).prototype = app.request;
      (BylineResponse as { prototype: object }).prototype = app.response;
    },
  };
}
