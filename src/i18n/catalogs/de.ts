import type { Catalog } from '../catalog.js';

export const de: Catalog = {
  'widget.title': 'Schreibe einen Kommentar',
  'widget.prompt': 'Gib unten deine Daten ein oder klicke auf ein Symbol, um dich anzumelden:',
  'widget.promptProvidersOnly': 'Klicke auf ein Symbol, um dich zum Kommentieren auf {site} anzumelden:',
  'widget.logInWith': 'Mit {provider} anmelden',
  'widget.connecting': 'Verbindung zu {provider}…',
  'widget.choosing': 'Wähle, wie du dich anmeldest…',
  'widget.windowOpen': 'Ein Anmeldefenster ist geöffnet.',
  'widget.windowClosed': 'Das Anmeldefenster ist geschlossen.',
  'widget.cancel': 'Abbrechen',
  'widget.viaProvider': 'Du kommentierst mit deinem {provider}-Konto.',
  'widget.asGuest': 'Du kommentierst als Gast.',
  'widget.actions': '( {logout} / {change} )',
  'widget.logOut': 'Abmelden',
  'widget.change': 'Ändern',
  'widget.loggedIn': 'Du bist als {name} angemeldet.',
  'widget.loggedOut': 'Du bist abgemeldet.',
  'widget.popupBlocked': 'Dein Browser hat das Anmeldefenster blockiert; es geht auf dieser Seite weiter.',
  'widget.wrongServer': 'Die Antwort der Anmeldung kam vom falschen Server.',
  'widget.mismatch': 'Die Antwort der Anmeldung passt nicht zu dieser Seite.',
  'widget.closedEarly': 'Das Anmeldefenster wurde geschlossen, bevor die Anmeldung fertig war.',
  'widget.cancelled': 'Die Anmeldung wurde abgebrochen.',
  'widget.incomplete': 'Die Anmeldung wurde nicht abgeschlossen.',
  'widget.providerDown': 'Der Anmeldedienst ist nicht erreichbar. Versuche es gleich noch einmal.',
  'widget.unreachable': 'Byline ist nicht erreichbar. Prüfe deine Verbindung und versuche es noch einmal.',
  'widget.answered': 'Byline antwortete {status}.',
  'widget.notSent':
    'Der Kommentar konnte nicht gesendet werden. Prüfe deine Verbindung; dein Text bleibt erhalten.',
  'widget.expired': 'Deine Anmeldung ist abgelaufen. Melde dich erneut an; dein Kommentar bleibt erhalten.',
  'widget.notPosted': 'Dein Kommentar wurde nicht veröffentlicht: {reason}. Dein Text bleibt erhalten.',
  'widget.siteAnswered': 'die Website antwortete {status}',
  'widget.codeConfirmNote': '(optional: deine Kommentare zeigen der Website dann eine bestätigte Adresse)',
  'widget.codeRequiredNote':
    'Diese Website bestätigt deine E-Mail-Adresse: Beim Absenden schicken wir dir zuerst einen sechsstelligen Code.',
  'widget.codeSent':
    'Wir haben einen sechsstelligen Code an {email} geschickt. Gib ihn hier ein oder öffne den Link in der E-Mail und sende dann deinen Kommentar ab.',
  'widget.codeSending': 'Code wird gesendet…',

  'guest.heading': 'Oder kommentiere als Gast',
  'guest.email': 'E-Mail',
  'guest.name': 'Name',
  'guest.website': 'Website',
  'guest.required': '(Pflichtfeld)',
  'guest.emailNote': '(Adresse wird nie veröffentlicht)',
  'guest.continueAsGuest': 'Als Gast fortfahren',
  'guest.sendCode': 'Code zusenden',
  'guest.confirmEmail': 'E-Mail-Adresse bestätigen',
  'guest.codeRequiredNote': 'Diese Website schickt dir einen Code, um deine E-Mail-Adresse zu bestätigen.',
  'guest.codeLabel': 'Code aus der E-Mail',
  'guest.continue': 'Weiter',
  'guest.sendNewCode': 'Neuen Code senden',

  'guestError.notText': 'Dieses Feld muss Text enthalten.',
  'guestError.tooLong': 'Dieses Feld ist zu lang.',
  'guestError.nameMissing': 'Gib deinen Namen ein.',
  'guestError.nameTooLong': 'Der Name darf höchstens {max} Zeichen lang sein.',
  'guestError.nameCharacters': 'Der Name enthält unzulässige Zeichen.',
  'guestError.nameNoLetter': 'Der Name braucht mindestens einen Buchstaben.',
  'guestError.emailMissing': 'Gib deine E-Mail-Adresse ein. Sie wird nie veröffentlicht.',
  'guestError.emailInvalid': 'Gib eine gültige E-Mail-Adresse ein, etwa name@example.com.',
  'guestError.websiteInvalid': 'Gib die Adresse deiner Website ein, etwa https://example.com.',
  'guestError.notAccepted': 'Diese Website nimmt keine Gastkommentare an.',
  'guestError.otherOrigin': 'Gastanmeldungen werden nur von den Seiten der Website selbst angenommen.',
  'guestError.tooMany': 'Zu viele Gastanmeldungen von dieser Adresse. Versuche es gleich noch einmal.',
  'code.missing': 'Gib den sechsstelligen Code ein, den wir dir geschickt haben.',
  'code.malformed': 'Der Code besteht aus den sechs Ziffern aus der E-Mail.',
  'code.wrong': {
    one: 'Dieser Code stimmt nicht. Noch {count} Versuch.',
    other: 'Dieser Code stimmt nicht. Noch {count} Versuche.',
  },
  'code.dead': 'Dieser Code stimmt nicht und kann nicht mehr versucht werden. Fordere einen neuen Code an.',
  'code.expired': 'Dieser Code ist abgelaufen oder wurde schon verwendet. Fordere einen neuen Code an.',
  'code.emailNeeded':
    'Gib deine E-Mail-Adresse ein: Diese Website schickt dir einen Code, um sie zu bestätigen.',
  'code.notVerifying': 'Diese Website verlangt von Gästen keine Bestätigung der E-Mail-Adresse.',
  'code.otherOrigin': 'Codes werden nur für die Seiten der Website selbst gesendet.',
  'code.tooManyFromAddress':
    'Von dieser Adresse wurden zu viele Codes angefordert. Versuche es später erneut.',
  'code.tooManyForEmail':
    'An diese E-Mail-Adresse wurden zu viele Codes gesendet. Versuche es später erneut.',
  'code.tooManyForSite': 'Diese Website verschickt gerade zu viele Codes. Versuche es später erneut.',
  'code.tooManyWrong':
    'Für diese E-Mail-Adresse wurden zu viele falsche Codes eingegeben. Versuche es später erneut.',
  'code.recipientRefused': 'Der Mailserver hat diese Adresse abgelehnt. Prüfe sie oder nimm eine andere.',
  'code.unreachable':
    'Der Code konnte nicht gesendet werden: Der Mailserver hat nicht geantwortet. Versuche es in ein paar Minuten.',
  'code.refused':
    'Der Code konnte nicht gesendet werden: Der Mailserver hat ihn abgelehnt. Versuche es später erneut.',
  'code.sent':
    'Wir haben einen sechsstelligen Code an {email} geschickt. Gib ihn hier ein oder öffne den Link in der E-Mail.',

  'mail.subject': 'Dein Code zum Kommentieren auf {site}',
  'mail.greeting': 'Hallo,',
  'mail.intro': 'Gib diesen Code im Kommentarformular auf {site} ein, um deine E-Mail-Adresse zu bestätigen:',
  'mail.expiry': {
    one: 'Der Code gilt einmal, {count} Minute lang.',
    other: 'Der Code gilt einmal, {count} Minuten lang.',
  },
  'mail.linkIntro':
    'Oder öffne diese Seite und drücke dort den Knopf, im Browser, in dem du deinen Kommentar schreibst:',
  'mail.linkLabel': 'E-Mail-Adresse bestätigen',
  'mail.notYou':
    'Wenn du diesen Code nicht angefordert hast, ignoriere diese E-Mail: Ohne den Code kann niemand deine Adresse verwenden.',
  'mail.footer':
    'Gesendet von Byline, dem Anmeldedienst von {site}. Deine Adresse wird anderen Lesern nie angezeigt.',

  'link.askTitle': 'Bestätige deine E-Mail-Adresse',
  'link.ask':
    'Drücke den Knopf, um deine E-Mail-Adresse zum Kommentieren auf {site} zu bestätigen. Tu das nur, wenn du dort gerade einen Code angefordert hast.',
  'link.button': 'E-Mail-Adresse bestätigen',
  'link.deadTitle': 'Dieser Link funktioniert nicht mehr',
  'link.dead':
    'Er ist abgelaufen, wurde schon verwendet oder ein neuerer Code hat ihn ersetzt. Fordere im Kommentarformular einen neuen Code an.',
  'link.elsewhereTitle': 'Öffne diesen Link dort, wo du den Code angefordert hast',
  'link.elsewhere':
    'Dieser Link funktioniert nur in dem Browser (beim Kommentarformular: in dem Netzwerk), in dem du den Code auf {site} angefordert hast. Gib stattdessen den Code aus der E-Mail im Formular ein.',
  'link.doneTitle': 'Deine E-Mail-Adresse ist bestätigt',
  'link.doneChooser': 'Geh zurück zum Anmeldefenster und drücke Weiter: Es ist kein Code mehr nötig.',
  'link.doneWidget':
    'Geh zurück zum Kommentarformular auf {site} und veröffentliche deinen Kommentar: Es ist kein Code mehr nötig.',

  'chooser.title': 'Melde dich an, um auf {site} zu kommentieren',
  'chooser.lead': 'Gib unten deine Daten ein oder klicke auf ein Symbol, um dich anzumelden:',
  'chooser.leadProvidersOnly': 'Wähle, wie du dich anmeldest:',
  'chooser.logInWith': 'Mit {provider} anmelden',
  'chooser.loggedInAs': 'Angemeldet als {name}',
  'chooser.actions': '({logout} / {change})',
  'chooser.logOut': 'Abmelden',
  'chooser.change': 'Ändern',
  'chooser.handleSubmit': 'Anmelden',
  'chooser.connectingHost': 'Verbindung zu {host}…',

  'handle.mastodonLabel': 'Deine Fediverse-Adresse',
  'handle.mastodonHelp':
    'Etwa @alice@example.social oder nur dein Server, example.social (Mastodon und ähnliche Server).',
  'handle.atprotoLabel': 'Dein Handle',
  'handle.atprotoHelp': 'Etwa alice.bsky.social oder deine eigene Domain, wenn das dein Handle ist.',
  'handle.indieauthLabel': 'Deine Website',
  'handle.indieauthHelp':
    'Ihre Adresse, etwa alice.example. Deine Website muss einen IndieAuth-Server nennen.',
  'handle.fediverseEmpty':
    'Gib deine Fediverse-Adresse ein, etwa @alice@example.social, oder nur deinen Server, example.social.',
  'handle.fediverseInvalid':
    'Das ist keine Fediverse-Adresse: Sie sieht aus wie @alice@example.social oder einfach example.social.',
  'handle.notAccepted': 'Konten auf {host} können sich hier nicht anmelden.',
  'handle.serverNotFound': '{host} wurde nicht gefunden. Prüfe die Adresse und versuche es noch einmal.',
  'handle.serverUnreachable':
    '{host} ist nicht erreichbar. Prüfe die Adresse oder versuche es später noch einmal.',
  'handle.serverSlow': '{host} hat nicht rechtzeitig geantwortet. Versuche es später noch einmal.',
  'handle.serverPrivate': '{host} liegt in einem privaten Netzwerk, mit dem Byline sich nicht verbindet.',
  'handle.serverPlainHttp': '{host} muss über https erreichbar sein.',
  'handle.serverRedirects': '{host} hat Byline zu oft von einer Adresse zur nächsten geschickt.',
  'handle.serverElsewhere':
    '{host} hat Byline zu einem anderen Server geschickt, {other}. Wenn dein Konto dort ist, gib stattdessen diese Adresse ein.',
  'handle.serverTooBig':
    '{host} hat eine Antwort geschickt, die für einen Fediverse-Server viel zu groß ist.',
  'handle.serverCertificate': '{host} hat kein gültiges https-Zertifikat.',
  'handle.notMastodon':
    '{host} sieht nicht wie ein Fediverse-Server aus, mit dem Byline anmelden kann (er hat keine Mastodon-App-API).',
  'handle.serverBroken': '{host} hatte ein Problem, Byline zu antworten. Versuche es später noch einmal.',
  'handle.atprotoEmpty': 'Gib dein Handle ein, etwa alice.bsky.social.',
  'handle.atprotoInvalid':
    'Das ist kein Handle: Ein Handle sieht aus wie alice.bsky.social oder wie deine eigene Domain.',
  'handle.atprotoRefused': '{handle} kann hier nicht verwendet werden: {reason}.',
  'handle.atprotoNoAccount':
    'Unter {handle} meldet sich kein Konto. Prüfe das Handle und versuche es noch einmal.',
  'handle.atprotoUnreachable':
    'Der Server von {handle} ist nicht erreichbar. Versuche es gleich noch einmal.',
  'handle.atprotoNotServer': 'Der Server von {handle} hat nicht wie ein AT-Protocol-Server geantwortet.',
  'handle.reasonPrivate': '{host} ist nicht im öffentlichen Internet',
  'handle.reasonPlainHttp': '{host} muss über https erreichbar sein',
  'handle.reasonScheme': '{host}: nur https-Adressen werden abgerufen',
  'handle.reasonRedirects': '{host} hat zu oft weitergeleitet',
  'handle.websiteEmpty': 'Gib die Adresse deiner Website ein, etwa alice.example.',
  'handle.websiteEmail':
    'Das sieht wie eine E-Mail-Adresse aus: Gib die Adresse deiner Website ein, etwa alice.example.',
  'handle.websiteInvalid': '„{address}“ ist keine Website-Adresse: Gib eine wie alice.example ein.',
  'handle.websiteTooLong': 'Diese Adresse ist für eine Website-Adresse zu lang.',
  'handle.websiteNotHttps': 'Die Adresse deiner Website muss eine https-Adresse sein.',
  'handle.websiteCredentials':
    'Die Adresse deiner Website darf keinen Benutzernamen und kein Passwort enthalten.',
  'handle.websitePort': 'Die Adresse deiner Website darf keinen Port enthalten.',
  'handle.websiteIp': 'Die Adresse deiner Website muss eine Domain nennen, keine IP-Adresse.',
  'handle.websiteNotDomain': 'Die Adresse deiner Website muss eine Domain wie alice.example nennen.',
  'handle.websiteNotFound': 'Byline konnte {website} nicht lesen: Diese Website gibt es nicht.',
  'handle.websiteUnreachable': 'Byline konnte {website} nicht lesen: Die Website ist nicht erreichbar.',
  'handle.websiteSlow': 'Byline konnte {website} nicht lesen: Die Website hat nicht rechtzeitig geantwortet.',
  'handle.websiteTooBig': 'Byline konnte {website} nicht lesen: Die Antwort ist zu groß.',
  'handle.websiteRefused': 'Byline konnte {website} nicht lesen: {reason}.',
  'handle.websiteRedirectLoop': '{website} leitet zu oft weiter, als dass eine Anmeldung damit möglich wäre.',
  'handle.websiteRedirectInsecure':
    '{website} leitet an eine Adresse weiter, der Byline nicht folgt (nur https-Adressen).',
  'handle.websiteError': '{website} hat mit einem Fehler geantwortet (HTTP {status}).',
  'handle.websiteNoServer':
    '{website} nennt keinen IndieAuth-Server und kann dich deshalb nicht anmelden. Die Startseite braucht einen Link wie <link rel="indieauth-metadata" href="…"> (oder rel="authorization_endpoint"); ein IndieAuth-Plugin für deine Website fügt ihn hinzu.',
  'handle.websiteMetadataInsecure':
    '{website} nennt die IndieAuth-Metadaten unter einer Adresse, die nicht https ist.',
  'handle.websiteAuthorizationInsecure':
    '{website} nennt einen Autorisierungsendpunkt, dessen Adresse nicht https ist.',
  'handle.indieauthMetadataStatus':
    'Der IndieAuth-Server, den {website} nennt, ist nicht nutzbar: Seine Metadaten antworteten mit {status}.',
  'handle.indieauthMetadataInvalid':
    'Der IndieAuth-Server, den {website} nennt, ist nicht nutzbar: Seine Metadaten sind kein JSON-Objekt.',
  'handle.indieauthIssuer':
    'Der IndieAuth-Server, den {website} nennt, ist nicht nutzbar: Sein Aussteller (issuer) fehlt oder ist kein Präfix der URL seiner Metadaten.',
  'handle.indieauthNoAuthorization':
    'Der IndieAuth-Server, den {website} nennt, ist nicht nutzbar: Er nennt keinen Autorisierungsendpunkt.',
  'handle.indieauthNoPkce':
    'Der IndieAuth-Server, den {website} nennt, ist nicht nutzbar: Er unterstützt PKCE mit S256 nicht.',

  'consent.title': 'Weiter zu {site}?',
  'consent.heading': 'Als {name} weiter zu {site}?',
  'consent.lead': '{site} erfährt {shared}. Byline fragt einmal pro Website.',
  'consent.sharedProfile': 'deinen Namen und dein Profilbild',
  'consent.sharedEmail': 'deine E-Mail-Adresse',
  'consent.sharedBoth': 'deinen Namen, dein Profilbild und deine E-Mail-Adresse',
  'consent.sharedNone': 'eine Kennung deines Kontos',
  'consent.who': 'Angemeldet als {name} mit {provider}',
  'consent.continue': 'Weiter',
  'consent.cancel': 'Abbrechen',
  'consent.switch': 'Anderes Konto verwenden',
  'consent.choose': 'Wähle Weiter oder Abbrechen.',
  'consent.changed':
    'Du hast dich inzwischen abgemeldet oder als jemand anderes angemeldet. Geh zurück zur Website und fang neu an.',

  'logout.title': 'Abmelden',
  'logout.heading': 'Von Byline abmelden?',
  'logout.notLoggedIn': 'Du bist in diesem Browser nicht bei Byline angemeldet.',
  'logout.loggedInAs': 'Du bist als {name} angemeldet.',
  'logout.foreign':
    '{site} möchte eine Anmeldung beenden, die nicht die dieses Browsers ist. Hier bist du als {name} angemeldet.',
  'logout.everywhere':
    'Die Abmeldung beendet deine Anmeldung in allen Blogs, in denen du sie in diesem Browser benutzt hast.',
  'logout.button': 'Abmelden',
  'logout.doneTitle': 'Abgemeldet',
  'logout.doneHeading': 'Du bist abgemeldet',
  'logout.done':
    'Byline erinnert sich in diesem Browser nicht mehr an dich, und deine Anmeldungen in den Blogs, in denen du es benutzt hast, sind beendet. Du kannst dieses Fenster schließen.',
  'logout.hintNotOurs': 'Der id_token_hint ist kein von Byline ausgestelltes ID-Token.',
  'logout.hintUnknownSite': 'Der id_token_hint wurde für eine Website ausgestellt, die Byline nicht kennt.',
  'logout.hintOtherSite': 'Die client_id ist nicht die Website, für die der id_token_hint ausgestellt wurde.',
  'logout.redirectWithoutSite': 'post_logout_redirect_uri braucht eine client_id oder einen id_token_hint.',
  'logout.redirectNotRegistered': 'Die post_logout_redirect_uri ist für diese Website nicht registriert.',

  'return.title': 'Zurück zur Website',
  'return.lead': 'Zurück zu {site}…',
  'return.close': 'Wenn sich dieses Fenster nicht von selbst schließt, kannst du es schließen.',
  'return.continue': 'Weiter zu {site}',
  'repost.title': 'Anmeldung wird abgeschlossen',
  'repost.lead': 'Anmeldung mit {provider} wird abgeschlossen…',
  'repost.continue': 'Weiter',

  'error.title': 'Diese Anmeldung kann nicht fortgesetzt werden',
  'error.titleNotFound': 'Seite nicht gefunden',
  'error.titleForbidden': 'Nicht erlaubt',
  'error.titleTooMany': 'Zu viele Anfragen',
  'error.titleServer': 'Etwas ist schiefgelaufen',
  'error.titleUnavailable': 'Vorübergehend nicht verfügbar',
  'error.footer':
    'Fehlercode: {code}. Du kannst dieses Fenster schließen und es auf der Seite, von der du kamst, erneut versuchen.',
  'error.generic': 'Diese Anfrage konnte nicht ausgeführt werden.',
  'error.notFound': 'Hier gibt es nichts.',
  'error.storeUnavailable': 'Byline ist kurz nicht verfügbar. Versuche es gleich noch einmal.',
  'error.unreadableBody': 'Der Inhalt der Anfrage konnte nicht gelesen werden.',
  'error.unexpected': 'Ein unerwarteter Fehler ist aufgetreten.',
  'error.paramRepeated': 'Der Parameter {name} darf nur einmal angegeben werden.',
  'error.paramTooLong': 'Der Parameter {name} ist zu lang.',
  'error.paramMissing': 'Der Parameter {name} fehlt.',
  'error.siteNotRegistered': 'Diese Website ist bei Byline nicht registriert.',
  'error.redirectNotRegistered': 'Die redirect_uri ist für diese Website nicht registriert.',
  'error.unknownClient': 'Unbekannter Client.',
  'error.tooManyLogins': 'Zu viele Anmeldungen von dieser Adresse. Versuche es gleich noch einmal.',
  'error.tooManyHandleLogins': {
    one: 'Aus deinem Netzwerk wurden zu viele Anmeldungen gestartet. Versuche es in {count} Minute erneut.',
    other:
      'Aus deinem Netzwerk wurden zu viele Anmeldungen gestartet. Versuche es in {count} Minuten erneut.',
  },
  'error.tooManyStarts':
    'Von dieser Seite wurden zu viele Anmeldungen gestartet. Geh zurück zur Website und fang neu an.',
  'error.loginExpired': 'Diese Anmeldung ist abgelaufen. Geh zurück zur Website und fang neu an.',
  'error.loginUsed':
    'Diese Anmeldung ist abgelaufen oder wurde schon verwendet. Geh zurück zur Website und fang neu an.',
  'error.loginElsewhere': 'Diese Anmeldung wurde woanders gestartet. Geh zurück zur Website und fang neu an.',
  'error.loggedOutSince': 'Du hast dich abgemeldet. Geh zurück zur Website und fang neu an.',
  'error.formOrigin': 'Dieses Formular kann nur von den Seiten von Byline gesendet werden.',
  'error.formExpired':
    'Dieses Formular ist abgelaufen oder wurde nicht aus diesem Browser gesendet. Bitte versuche es noch einmal.',
  'error.unknownProvider': 'Diesen Identitätsanbieter gibt es nicht.',
  'error.providerNotOffered': 'Diese Website bietet diesen Identitätsanbieter nicht an.',
  'error.postedCallback': '{provider} antwortet per Weiterleitung, nicht mit einem gesendeten Formular.',
  'error.stateTooLong': 'Der Parameter state ist zu lang.',

  'deletion.title': 'Antrag auf Datenlöschung',
  'deletion.heading': 'Dein Antrag auf Datenlöschung',
  'deletion.status': 'Status: {status}',
  'deletion.completed': 'Erledigt',
  'deletion.what':
    'Am {date} hat {provider} Byline mitgeteilt, dass du die Löschung deiner Daten beantragt hast. Byline, der Anmeldedienst der Blogs, in denen du dich zum Kommentieren anmeldest, hat alle Sitzungen deines {provider}-Kontos beendet und ihren Inhalt gelöscht: deinen Namen, deine E-Mail-Adresse und dein Bild.',
  'deletion.rest':
    'Byline speichert sonst nichts über dich. Deine Kommentare bewahrt jedes Blog selbst auf; wende dich an den Betreiber des Blogs, wenn sie entfernt werden sollen.',
  'deletion.code': 'Bestätigungscode: {code}',
  'deletion.unknownCode': 'Zu diesem Bestätigungscode gibt es keinen Antrag auf Datenlöschung.',
  'deletion.unknownApp': 'Diese Facebook-App gibt es nicht.',

  'dev.title': 'Entwicklungs-Anmeldung',
  'dev.heading': 'Entwicklungs-Identitätsanbieter',
  'dev.lead': 'Nur für die Entwicklung: Gib einen beliebigen Namen ein, um dich als diese Person anzumelden.',
  'dev.name': 'Name',
  'dev.email': 'E-Mail (optional)',
  'dev.submit': 'Anmelden',
  'dev.nameMissing': 'Gib einen Namen ein, unter dem du dich anmeldest.',
  'dev.expired': 'Diese Entwicklungs-Anmeldung ist abgelaufen.',

  'landing.lead':
    'Ein Social-Login-Gateway für Blogkommentare: Leser melden sich mit WordPress.com, Facebook, einem beliebigen OpenID-Connect-Anbieter oder als Gast an, und das Kommentarsystem der Website erhält ein signiertes Token, das den Kommentierenden nennt.',
  'landing.demo': 'Öffne den Beitrag im Demo-Blog, um eine Anmeldung auszuprobieren.',
  'landing.keys':
    'Backends prüfen Tokens mit den Schlüsseln unter {jwks}; die Discovery liegt unter {discovery}. Aussteller: {issuer}.',
};
