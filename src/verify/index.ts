// byline-gateway/verify: what a comment backend imports. It loads jose and nothing of the gateway.
export { CommenterTokenError, type CommenterTokenErrorCode } from './errors.js';
export { type RequireCommenterOptions, requireCommenter } from './middleware.js';
export { type Commenter, createVerifier, type Verifier, type VerifierOptions } from './verifier.js';
