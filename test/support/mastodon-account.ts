/** `GET /api/v1/accounts/verify_credentials` as documented (a CredentialAccount), for `username`. */
export function mastodonAccount(
  instance: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const username = (overrides.username as string | undefined) ?? 'alice';
  return {
    id: '109348271846154372',
    username,
    acct: username,
    display_name: 'Alice :blobcat:',
    locked: false,
    bot: false,
    created_at: '2022-11-15T00:00:00.000Z',
    note: '<p>Reads blogs, writes comments.</p>',
    url: `${instance}/@${username}`,
    uri: `${instance}/users/${username}`,
    avatar: `${instance}/system/accounts/avatars/109/348/271/846/154/372/original/a1b2c3.png`,
    avatar_static: `${instance}/system/accounts/avatars/109/348/271/846/154/372/original/a1b2c3.png`,
    header: `${instance}/headers/original/missing.png`,
    header_static: `${instance}/headers/original/missing.png`,
    followers_count: 12,
    following_count: 34,
    statuses_count: 56,
    last_status_at: '2026-12-01',
    source: {
      privacy: 'public',
      sensitive: false,
      language: 'en',
      note: 'Reads blogs, writes comments.',
      fields: [],
    },
    emojis: [
      {
        shortcode: 'blobcat',
        url: `${instance}/system/custom_emojis/images/000/000/001/original/blobcat.png`,
        static_url: `${instance}/system/custom_emojis/images/000/000/001/static/blobcat.png`,
        visible_in_picker: true,
      },
    ],
    fields: [],
    ...overrides,
  };
}
