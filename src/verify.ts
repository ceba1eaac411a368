// byline-gateway/verify: the verify SDK, which lives in its own package (packages/verify) so that a
// comment backend can install it without the gateway. Kept here for backends that already import it.
export * from 'byline-verify';
