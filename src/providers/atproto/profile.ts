import type { OAuthSession } from '@atproto/oauth-client-node';
import type { Identity } from '../../identity.js';
import { cleanText, exactId, safeUrl } from '../profile.js';

/** A blob's CID as a profile record links it: base32 CIDv1 (`b…`), the only form atproto writes. */
const blobCid = /^b[a-z2-7]{20,100}$/;

/** What the profile record (`app.bsky.actor.profile/self`) says, if it says anything usable. */
interface ProfileRecord {
  displayName?: string;
  avatarCid?: string;
}

function parseProfile(body: unknown): ProfileRecord {
  const value = (body as { value?: unknown } | null)?.value;
  if (!value || typeof value !== 'object') return {};
  const { displayName, avatar } = value as { displayName?: unknown; avatar?: unknown };
  const link = (avatar as { ref?: { $link?: unknown } } | undefined)?.ref?.$link;
  return {
    ...(typeof displayName === 'string' ? { displayName } : {}),
    ...(typeof link === 'string' && blobCid.test(link) ? { avatarCid: link } : {}),
  };
}

/**
 * The reader's profile record, read from their PDS with the session Byline just got. A reader without
 * one (or a PDS that will not say) still logs in: the login proved the DID, the profile only decorates it.
 */
async function readProfile(session: OAuthSession): Promise<ProfileRecord> {
  const query = new URLSearchParams({
    repo: session.did,
    collection: 'app.bsky.actor.profile',
    rkey: 'self',
  });
  try {
    const response = await session.fetchHandler(`/xrpc/com.atproto.repo.getRecord?${query}`);
    if (!response.ok || !response.headers.get('content-type')?.startsWith('application/json')) {
      await response.body?.cancel();
      return {};
    }
    return parseProfile(await response.json());
  } catch {
    return {};
  }
}

/**
 * The Identity of the session's DID: name from the profile's display name (else the handle), picture
 * the avatar blob at the reader's PDS, website their Bluesky profile page. `handle` is the DID
 * document's, verified both ways, or undefined when it does not resolve back to the DID.
 */
export async function atprotoIdentity(
  provider: string,
  session: OAuthSession,
  handle: string | undefined,
): Promise<Identity> {
  const did = exactId(session.did);
  if (!did) throw new Error('the atproto session names no usable DID');
  const profile = await readProfile(session);
  const { aud } = await session.getTokenInfo(false);
  const picture = profile.avatarCid
    ? safeUrl(
        new URL(`/xrpc/com.atproto.sync.getBlob?${new URLSearchParams({ did, cid: profile.avatarCid })}`, aud)
          .href,
      )
    : undefined;
  const name = cleanText(profile.displayName, 200) ?? handle ?? did;
  return {
    provider,
    id: did,
    name,
    ...(handle ? { username: handle } : {}),
    emailVerified: false,
    ...(picture ? { picture } : {}),
    website: `https://bsky.app/profile/${did}`,
  };
}
