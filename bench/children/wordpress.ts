// The WordPress.com double of the tests (the real wire format), serving both Byline and Auth.js.
import { startWordPressDouble } from '../../test/support/wordpress-double.js';
import { exitWithParent, onMessage, ready } from './ipc.js';

const double = await startWordPressDouble();
// The double records every request for the tests' assertions; a benchmark would only grow it.
const forget = setInterval(() => {
  double.requests.length = 0;
}, 500);
onMessage((message) => {
  if (message.type === 'register') double.register(...(message.redirectUris as string[]));
  process.send?.({ type: 'registered' });
});
ready({
  url: double.url,
  clientId: double.clientId,
  clientSecret: double.clientSecret,
  endpoints: double.endpoints,
});
exitWithParent(async () => {
  clearInterval(forget);
  await double.close();
});
