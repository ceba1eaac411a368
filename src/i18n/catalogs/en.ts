import type { Entry } from '../catalog.js';

/**
 * English, the catalog that defines the keys. `{name}` marks where a value goes; a message that
 * depends on a number is an object of plural forms chosen by `{count}`. Keys starting with `widget.`
 * or `guest.` are also sent to the widget (GET /widget/config).
 */
export const en = {
  // The widget on the blog's comment form
  'widget.title': 'Leave a Reply',
  'widget.prompt': 'Fill in your details below or click an icon to log in:',
  'widget.promptProvidersOnly': 'Click an icon to log in to comment on {site}:',
  'widget.logInWith': 'Log in with {provider}',
  'widget.connecting': 'Connecting to {provider}…',
  'widget.choosing': 'Choose how to log in…',
  'widget.windowOpen': 'A login window is open.',
  'widget.windowClosed': 'The login window is closed.',
  'widget.cancel': 'Cancel',
  'widget.viaProvider': 'You are commenting using your {provider} account.',
  'widget.asGuest': 'You are commenting as a guest.',
  'widget.actions': '( {logout} / {change} )',
  'widget.logOut': 'Log Out',
  'widget.change': 'Change',
  'widget.loggedIn': 'You are logged in as {name}.',
  'widget.loggedOut': 'You are logged out.',
  'widget.popupBlocked': 'Your browser blocked the login window; continuing in this page.',
  'widget.wrongServer': 'The login answer came from the wrong server.',
  'widget.mismatch': 'The login answer did not match this page.',
  'widget.closedEarly': 'The login window was closed before the login finished.',
  'widget.cancelled': 'The login was cancelled.',
  'widget.incomplete': 'The login did not complete.',
  'widget.providerDown': 'The login service could not be reached. Try again in a moment.',
  'widget.unreachable': 'Byline could not be reached. Check your connection and try again.',
  'widget.answered': 'Byline answered {status}.',
  'widget.notSent': 'The comment could not be sent. Check your connection; your text is kept.',
  'widget.expired': 'Your login has expired. Log in again to post; your comment is kept.',
  'widget.notPosted': 'Your comment was not posted: {reason}. Your text is kept.',
  'widget.siteAnswered': 'the site answered {status}',
  'widget.codeConfirmNote': '(optional: your comments then show a confirmed address to the site)',
  'widget.codeRequiredNote':
    'This site confirms your email address: posting mails you a six-digit code first.',
  'widget.codeSent':
    'We mailed a six-digit code to {email}. Type it here, or open the link in the mail, then post your comment.',
  'widget.codeSending': 'Sending the code…',

  // The guest fields, in the widget and on the chooser
  'guest.heading': 'Or comment as a guest',
  'guest.email': 'Email',
  'guest.name': 'Name',
  'guest.website': 'Website',
  'guest.required': '(required)',
  'guest.emailNote': '(Address never made public)',
  'guest.continueAsGuest': 'Continue as guest',
  'guest.sendCode': 'Send me a code',
  'guest.confirmEmail': 'Confirm my email address',
  'guest.codeRequiredNote': 'This site mails you a code to confirm your email address.',
  'guest.codeLabel': 'Code from the mail',
  'guest.continue': 'Continue',
  'guest.sendNewCode': 'Send a new code',

  // What is wrong with a guest's fields and code (POST /guest, /guest/code and the chooser's form)
  'guestError.notText': 'This field must be text.',
  'guestError.tooLong': 'This field is too long.',
  'guestError.nameMissing': 'Enter your name.',
  'guestError.nameTooLong': 'The name can be at most {max} characters long.',
  'guestError.nameCharacters': 'The name contains characters that are not allowed.',
  'guestError.nameNoLetter': 'The name needs at least one letter.',
  'guestError.emailMissing': 'Enter your email address. It is never made public.',
  'guestError.emailInvalid': 'Enter a valid email address, like name@example.com.',
  'guestError.websiteInvalid': 'Enter the address of your website, like https://example.com.',
  'guestError.notAccepted': 'This site does not accept guest comments.',
  'guestError.otherOrigin': 'Guest logins are accepted only from the site’s own pages.',
  'guestError.tooMany': 'Too many guest logins from this address. Try again shortly.',
  'code.missing': 'Enter the six-digit code we mailed to you.',
  'code.malformed': 'The code is the six digits from the mail.',
  'code.wrong': {
    one: 'That code is not right. {count} try left.',
    other: 'That code is not right. {count} tries left.',
  },
  'code.dead': 'That code is not right, and it cannot be tried again. Ask for a new code.',
  'code.expired': 'This code has expired or was already used. Ask for a new code.',
  'code.emailNeeded': 'Enter your email address: this site mails you a code to confirm it.',
  'code.notVerifying': 'This site does not ask guests to confirm their email address.',
  'code.otherOrigin': 'Codes are sent only for the site’s own pages.',
  'code.tooManyFromAddress': 'Too many codes were asked for from this address. Try again later.',
  'code.tooManyForEmail': 'Too many codes were sent to this email address. Try again later.',
  'code.tooManyForSite': 'Too many codes are being mailed for this site just now. Try again later.',
  'code.tooManyWrong': 'Too many wrong codes were typed for this email address. Try again later.',
  'code.recipientRefused': 'The mail server refused this address. Check it, or use another.',
  'code.unreachable':
    'The code could not be mailed: the mail server did not answer. Try again in a few minutes.',
  'code.refused': 'The code could not be mailed: the mail server refused it. Try again later.',
  'code.sent': 'We mailed a six-digit code to {email}. Type it here, or open the link in the mail.',

  // The mail with a guest's code
  'mail.subject': 'Your code for commenting on {site}',
  'mail.greeting': 'Hello,',
  'mail.intro': 'Type this code into the comment form on {site} to confirm your email address:',
  'mail.expiry': {
    one: 'The code works once, for {count} minute.',
    other: 'The code works once, for {count} minutes.',
  },
  'mail.linkIntro':
    'Or open this page and press its button, in the browser where you are writing your comment:',
  'mail.linkLabel': 'Confirm my email address',
  'mail.notYou':
    'If you did not ask for this code, ignore this mail: nobody can use your address without the code.',
  'mail.footer': 'Sent by Byline, the login service of {site}. Your address is never shown to other readers.',

  // The page the mail links to
  'link.askTitle': 'Confirm your email address',
  'link.ask':
    'Press the button to confirm your email address for commenting on {site}. Do it only if you asked for a code there just now.',
  'link.button': 'Confirm my email address',
  'link.deadTitle': 'This link no longer works',
  'link.dead':
    'It has expired, was already used, or a newer code replaced it. Ask for a new code on the comment form.',
  'link.elsewhereTitle': 'Open this link where you asked for the code',
  'link.elsewhere':
    'This link works only in the browser (for the comment form: on the network) where you asked for the code on {site}. Type the code from the mail into the form instead.',
  'link.doneTitle': 'Your email address is confirmed',
  'link.doneChooser': 'Go back to the login window and press Continue: no code is needed now.',
  'link.doneWidget': 'Go back to the comment form on {site} and post your comment: no code is needed now.',

  // The chooser
  'chooser.title': 'Log in to comment on {site}',
  'chooser.lead': 'Fill in your details below or click an icon to log in:',
  'chooser.leadProvidersOnly': 'Choose how to log in:',
  'chooser.logInWith': 'Log in with {provider}',
  'chooser.loggedInAs': 'Logged in as {name}',
  'chooser.actions': '({logout} / {change})',
  'chooser.logOut': 'Log out',
  'chooser.change': 'Change',
  'chooser.handleSubmit': 'Log in',
  'chooser.connectingHost': 'Connecting to {host}…',

  // The chooser's handle inputs (fediverse, Bluesky, IndieAuth) and why a handle begins no login
  'handle.mastodonLabel': 'Your fediverse address',
  'handle.mastodonHelp':
    'Such as @alice@example.social, or just your server, example.social (Mastodon and servers like it).',
  'handle.atprotoLabel': 'Your handle',
  'handle.atprotoHelp': 'Such as alice.bsky.social, or your own domain name if that is your handle.',
  'handle.indieauthLabel': 'Your website',
  'handle.indieauthHelp': 'Its address, such as alice.example. Your site must name an IndieAuth server.',
  'handle.fediverseEmpty':
    'Type your fediverse address, such as @alice@example.social, or just your server, example.social.',
  'handle.fediverseInvalid':
    'That is not a fediverse address: it looks like @alice@example.social, or just example.social.',
  'handle.notAccepted': 'Accounts on {host} cannot log in here.',
  'handle.serverNotFound': '{host} could not be found. Check the address and try again.',
  'handle.serverUnreachable': '{host} could not be reached. Check the address, or try again later.',
  'handle.serverSlow': '{host} did not answer in time. Try again later.',
  'handle.serverPrivate': '{host} is on a private network, which Byline does not connect to.',
  'handle.serverPlainHttp': '{host} must be reached over https.',
  'handle.serverRedirects': '{host} sent Byline from one address to another too many times.',
  'handle.serverElsewhere':
    '{host} sent Byline to another server, {other}. If your account is there, type that address instead.',
  'handle.serverTooBig': '{host} sent an answer far too large for a fediverse server.',
  'handle.serverCertificate': '{host} does not have a valid https certificate.',
  'handle.notMastodon':
    '{host} does not look like a fediverse server that Byline can log in with (it has no Mastodon app API).',
  'handle.serverBroken': '{host} had a problem answering Byline. Try again later.',
  'handle.atprotoEmpty': 'Type your handle, such as alice.bsky.social.',
  'handle.atprotoInvalid':
    'That is not a handle: a handle looks like alice.bsky.social or your own domain name.',
  'handle.atprotoRefused': '{handle} cannot be used here: {reason}.',
  'handle.atprotoNoAccount': 'No account answers to {handle}. Check the handle and try again.',
  'handle.atprotoUnreachable': 'The server of {handle} could not be reached. Try again in a moment.',
  'handle.atprotoNotServer': 'The server of {handle} did not answer as an AT Protocol server does.',
  'handle.reasonPrivate': '{host} is not on the public Internet',
  'handle.reasonPlainHttp': '{host} must be reached over https',
  'handle.reasonScheme': '{host}: only https URLs are fetched',
  'handle.reasonRedirects': '{host} redirected too many times',
  'handle.websiteEmpty': 'Type the address of your website, such as alice.example.',
  'handle.websiteEmail':
    'That looks like an email address: type the address of your website, such as alice.example.',
  'handle.websiteInvalid': '"{address}" is not a website address: type one such as alice.example.',
  'handle.websiteTooLong': 'That address is too long for a website address.',
  'handle.websiteNotHttps': 'Your website’s address must be an https address.',
  'handle.websiteCredentials': 'Your website’s address must not contain a user name or password.',
  'handle.websitePort': 'Your website’s address must not contain a port.',
  'handle.websiteIp': 'Your website’s address must name a domain, not an IP address.',
  'handle.websiteNotDomain': 'Your website’s address must name a domain such as alice.example.',
  'handle.websiteNotFound': 'Byline could not read {website}: no such site exists.',
  'handle.websiteUnreachable': 'Byline could not read {website}: it could not be reached.',
  'handle.websiteSlow': 'Byline could not read {website}: it did not answer in time.',
  'handle.websiteTooBig': 'Byline could not read {website}: its answer is too large.',
  'handle.websiteRefused': 'Byline could not read {website}: {reason}.',
  'handle.websiteRedirectLoop': '{website} redirects too many times to be a login.',
  'handle.websiteRedirectInsecure':
    '{website} redirects to an address Byline does not follow (only https addresses are).',
  'handle.websiteError': '{website} answered with an error (HTTP {status}).',
  'handle.websiteNoServer':
    '{website} names no IndieAuth server, so it cannot log you in. Its home page needs a link such as <link rel="indieauth-metadata" href="…"> (or rel="authorization_endpoint"); an IndieAuth plugin for your site adds one.',
  'handle.websiteMetadataInsecure': '{website} names its IndieAuth metadata at an address that is not https.',
  'handle.websiteAuthorizationInsecure':
    '{website} names an authorization endpoint that is not an https address.',
  'handle.indieauthMetadataStatus':
    'The IndieAuth server that {website} names is not usable: its metadata answered {status}.',
  'handle.indieauthMetadataInvalid':
    'The IndieAuth server that {website} names is not usable: its metadata is not a JSON object.',
  'handle.indieauthIssuer':
    'The IndieAuth server that {website} names is not usable: its issuer is missing or is not a prefix of its metadata URL.',
  'handle.indieauthNoAuthorization':
    'The IndieAuth server that {website} names is not usable: it names no authorization endpoint.',
  'handle.indieauthNoPkce':
    'The IndieAuth server that {website} names is not usable: it does not support PKCE with S256.',

  // The consent question
  'consent.title': 'Continue to {site}?',
  'consent.heading': 'Continue to {site} as {name}?',
  'consent.lead': '{site} will learn {shared}. Byline asks once for each site.',
  'consent.sharedProfile': 'your name and profile picture',
  'consent.sharedEmail': 'your email address',
  'consent.sharedBoth': 'your name and profile picture and your email address',
  'consent.sharedNone': 'an identifier for your account',
  'consent.who': 'Logged in as {name} with {provider}',
  'consent.continue': 'Continue',
  'consent.cancel': 'Cancel',
  'consent.switch': 'Use another account',
  'consent.choose': 'Choose Continue or Cancel.',
  'consent.changed':
    'You have logged out or logged in as someone else since. Go back to the site and start again.',

  // Logging out
  'logout.title': 'Log out',
  'logout.heading': 'Log out of Byline?',
  'logout.notLoggedIn': 'You are not logged in to Byline in this browser.',
  'logout.loggedInAs': 'You are logged in as {name}.',
  'logout.foreign':
    '{site} asked to end a login that is not the one this browser holds. You are logged in here as {name}.',
  'logout.everywhere': 'Logging out ends your login on every blog where you used it in this browser.',
  'logout.button': 'Log out',
  'logout.doneTitle': 'Logged out',
  'logout.doneHeading': 'You are logged out',
  'logout.done':
    'Byline no longer remembers you in this browser, and your logins on the blogs where you used it have ended. You can close this window.',
  'logout.hintNotOurs': 'The id_token_hint is not an ID token issued by Byline.',
  'logout.hintUnknownSite': 'The id_token_hint was issued to a site Byline does not know.',
  'logout.hintOtherSite': 'The client_id is not the site the id_token_hint was issued to.',
  'logout.redirectWithoutSite': 'post_logout_redirect_uri needs a client_id or an id_token_hint.',
  'logout.redirectNotRegistered': 'The post_logout_redirect_uri is not registered for this site.',

  // Handing the login back to the site
  'return.title': 'Returning to the site',
  'return.lead': 'Returning to {site}…',
  'return.close': 'If this window does not close by itself, you can close it.',
  'return.continue': 'Continue to {site}',
  'repost.title': 'Finishing the login',
  'repost.lead': 'Finishing the login with {provider}…',
  'repost.continue': 'Continue',

  // Error pages
  'error.title': 'This login cannot continue',
  'error.titleNotFound': 'Page not found',
  'error.titleForbidden': 'Not allowed',
  'error.titleTooMany': 'Too many requests',
  'error.titleServer': 'Something went wrong',
  'error.titleUnavailable': 'Temporarily unavailable',
  'error.footer': 'Error code: {code}. You can close this window and try again from the page you came from.',
  'error.generic': 'This request could not be completed.',
  'error.notFound': 'There is nothing here.',
  'error.storeUnavailable': 'Byline is briefly unavailable. Try again in a moment.',
  'error.unreadableBody': 'The request body could not be read.',
  'error.unexpected': 'An unexpected error occurred.',
  'error.paramRepeated': 'The {name} parameter must be given once.',
  'error.paramTooLong': 'The {name} parameter is too long.',
  'error.paramMissing': 'The {name} parameter is required.',
  'error.siteNotRegistered': 'This site is not registered with Byline.',
  'error.redirectNotRegistered': 'The redirect_uri is not registered for this site.',
  'error.unknownClient': 'Unknown client.',
  'error.tooManyLogins': 'Too many logins from this address. Try again shortly.',
  'error.tooManyHandleLogins': {
    one: 'Too many logins were started from your network. Try again in {count} minute.',
    other: 'Too many logins were started from your network. Try again in {count} minutes.',
  },
  'error.tooManyStarts': 'Too many logins were started from this page. Go back to the site and start again.',
  'error.loginExpired': 'This login has expired. Go back to the site and start again.',
  'error.loginUsed': 'This login has expired or was already used. Go back to the site and start again.',
  'error.loginElsewhere': 'This login was started somewhere else. Go back to the site and start again.',
  'error.loggedOutSince': 'You have logged out. Go back to the site and start again.',
  'error.formOrigin': 'This form can only be sent from Byline’s own pages.',
  'error.formExpired': 'This form has expired or was not sent from this browser. Please try again.',
  'error.unknownProvider': 'There is no such identity provider.',
  'error.providerNotOffered': 'This site does not offer that identity provider.',
  'error.postedCallback': '{provider} answers by redirect, not by a posted form.',
  'error.stateTooLong': 'The state parameter is too long.',

  // The data deletion status page (Facebook's data deletion callback)
  'deletion.title': 'Data deletion request',
  'deletion.heading': 'Your data deletion request',
  'deletion.status': 'Status: {status}',
  'deletion.completed': 'Completed',
  'deletion.what':
    'On {date}, {provider} told Byline that you asked for your data to be deleted. Byline, the login service of the blogs where you sign in to comment, ended every login session it held for your {provider} account and deleted what those sessions contained: your name, email address and picture.',
  'deletion.rest':
    'Byline keeps no other record of you. The comments you posted are kept by each blog; ask the blog’s owner if you want them removed.',
  'deletion.code': 'Confirmation code: {code}',
  'deletion.unknownCode': 'There is no data deletion request with this confirmation code.',
  'deletion.unknownApp': 'There is no such Facebook app.',

  // The dev provider's login page (development only)
  'dev.title': 'Dev login',
  'dev.heading': 'Dev identity provider',
  'dev.lead': 'For development only: type any name to log in as that person.',
  'dev.name': 'Name',
  'dev.email': 'Email (optional)',
  'dev.submit': 'Log in',
  'dev.nameMissing': 'Type a name to log in as.',
  'dev.expired': 'This dev login has expired.',

  // Byline's home page
  'landing.lead':
    'A social-login gateway for blog comments: readers log in with WordPress.com, Facebook, any OpenID Connect provider or as a guest, and the site’s comment backend receives a signed token naming the commenter.',
  'landing.demo': 'Open the demo blog post to try a login.',
  'landing.keys':
    'Backends verify tokens with the keys at {jwks}; discovery is at {discovery}. Issuer: {issuer}.',
} satisfies Record<string, Entry>;
