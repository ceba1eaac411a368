// byline-verify (also re-exported as byline-gateway/verify): what a comment backend imports. It loads
// jose and nothing else.
export { CommenterTokenError, type CommenterTokenErrorCode } from './errors.js';
export {
  type CommenterMiddleware,
  type CommenterNext,
  type CommenterRequest,
  type CommenterResponse,
  type RequireCommenterOptions,
  requireCommenter,
} from './middleware.js';
export { type Commenter, createVerifier, type Verifier, type VerifierOptions } from './verifier.js';
