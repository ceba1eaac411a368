import type { Catalog } from '../catalog.js';

// French typography: a no-break space before ? ! : ; (written here as the character itself).
export const fr: Catalog = {
  'widget.title': 'Laisser un commentaire',
  'widget.prompt': 'Remplissez vos informations ci-dessous ou cliquez sur une icône pour vous connecter :',
  'widget.promptProvidersOnly': 'Cliquez sur une icône pour vous connecter et commenter sur {site} :',
  'widget.logInWith': 'Se connecter avec {provider}',
  'widget.connecting': 'Connexion à {provider}…',
  'widget.choosing': 'Choisissez comment vous connecter…',
  'widget.windowOpen': 'Une fenêtre de connexion est ouverte.',
  'widget.windowClosed': 'La fenêtre de connexion est fermée.',
  'widget.cancel': 'Annuler',
  'widget.viaProvider': 'Vous commentez avec votre compte {provider}.',
  'widget.asGuest': 'Vous commentez en tant qu’invité.',
  'widget.actions': '( {logout} / {change} )',
  'widget.logOut': 'Se déconnecter',
  'widget.change': 'Changer',
  'widget.loggedIn': 'Vous êtes connecté en tant que {name}.',
  'widget.loggedOut': 'Vous êtes déconnecté.',
  'widget.popupBlocked':
    'Votre navigateur a bloqué la fenêtre de connexion ; la connexion continue dans cette page.',
  'widget.wrongServer': 'La réponse de connexion vient du mauvais serveur.',
  'widget.mismatch': 'La réponse de connexion ne correspond pas à cette page.',
  'widget.closedEarly': 'La fenêtre de connexion a été fermée avant la fin de la connexion.',
  'widget.cancelled': 'La connexion a été annulée.',
  'widget.incomplete': 'La connexion n’a pas abouti.',
  'widget.providerDown': 'Le service de connexion est injoignable. Réessayez dans un instant.',
  'widget.unreachable': 'Byline est injoignable. Vérifiez votre connexion et réessayez.',
  'widget.answered': 'Byline a répondu {status}.',
  'widget.notSent':
    'Le commentaire n’a pas pu être envoyé. Vérifiez votre connexion ; votre texte est conservé.',
  'widget.expired': 'Votre session a expiré. Reconnectez-vous pour publier ; votre commentaire est conservé.',
  'widget.notPosted': 'Votre commentaire n’a pas été publié : {reason}. Votre texte est conservé.',
  'widget.siteAnswered': 'le site a répondu {status}',
  'widget.codeConfirmNote': '(facultatif : vos commentaires montrent alors au site une adresse confirmée)',
  'widget.codeRequiredNote':
    'Ce site confirme votre adresse e-mail : en publiant, vous recevez d’abord un code à six chiffres.',
  'widget.codeSent':
    'Nous avons envoyé un code à six chiffres à {email}. Saisissez-le ici ou ouvrez le lien de l’e-mail, puis publiez votre commentaire.',
  'widget.codeSending': 'Envoi du code…',

  'guest.heading': 'Ou commentez en tant qu’invité',
  'guest.email': 'E-mail',
  'guest.name': 'Nom',
  'guest.website': 'Site web',
  'guest.required': '(obligatoire)',
  'guest.emailNote': '(Adresse jamais rendue publique)',
  'guest.continueAsGuest': 'Continuer en tant qu’invité',
  'guest.sendCode': 'M’envoyer un code',
  'guest.confirmEmail': 'Confirmer mon adresse e-mail',
  'guest.codeRequiredNote': 'Ce site vous envoie un code par e-mail pour confirmer votre adresse.',
  'guest.codeLabel': 'Code reçu par e-mail',
  'guest.continue': 'Continuer',
  'guest.sendNewCode': 'Envoyer un nouveau code',

  'guestError.notText': 'Ce champ doit être du texte.',
  'guestError.tooLong': 'Ce champ est trop long.',
  'guestError.nameMissing': 'Saisissez votre nom.',
  'guestError.nameTooLong': 'Le nom peut compter au plus {max} caractères.',
  'guestError.nameCharacters': 'Le nom contient des caractères non autorisés.',
  'guestError.nameNoLetter': 'Le nom doit contenir au moins une lettre.',
  'guestError.emailMissing': 'Saisissez votre adresse e-mail. Elle n’est jamais rendue publique.',
  'guestError.emailInvalid': 'Saisissez une adresse e-mail valide, comme nom@example.com.',
  'guestError.websiteInvalid': 'Saisissez l’adresse de votre site, comme https://example.com.',
  'guestError.notAccepted': 'Ce site n’accepte pas les commentaires d’invités.',
  'guestError.otherOrigin': 'Les connexions d’invités ne sont acceptées que depuis les pages du site.',
  'guestError.tooMany': 'Trop de connexions d’invités depuis cette adresse. Réessayez sous peu.',
  'code.missing': 'Saisissez le code à six chiffres que nous vous avons envoyé.',
  'code.malformed': 'Le code est composé des six chiffres de l’e-mail.',
  'code.wrong': {
    one: 'Ce code n’est pas le bon. Il vous reste {count} essai.',
    other: 'Ce code n’est pas le bon. Il vous reste {count} essais.',
  },
  'code.dead': 'Ce code n’est pas le bon et ne peut plus être essayé. Demandez un nouveau code.',
  'code.expired': 'Ce code a expiré ou a déjà servi. Demandez un nouveau code.',
  'code.emailNeeded': 'Saisissez votre adresse e-mail : ce site vous envoie un code pour la confirmer.',
  'code.notVerifying': 'Ce site ne demande pas aux invités de confirmer leur adresse e-mail.',
  'code.otherOrigin': 'Les codes ne sont envoyés que pour les pages du site.',
  'code.tooManyFromAddress': 'Trop de codes ont été demandés depuis cette adresse. Réessayez plus tard.',
  'code.tooManyForEmail': 'Trop de codes ont été envoyés à cette adresse e-mail. Réessayez plus tard.',
  'code.tooManyForSite': 'Ce site envoie trop de codes en ce moment. Réessayez plus tard.',
  'code.tooManyWrong': 'Trop de codes erronés ont été saisis pour cette adresse e-mail. Réessayez plus tard.',
  'code.recipientRefused':
    'Le serveur de messagerie a refusé cette adresse. Vérifiez-la ou utilisez-en une autre.',
  'code.unreachable':
    'Le code n’a pas pu être envoyé : le serveur de messagerie n’a pas répondu. Réessayez dans quelques minutes.',
  'code.refused':
    'Le code n’a pas pu être envoyé : le serveur de messagerie l’a refusé. Réessayez plus tard.',
  'code.sent':
    'Nous avons envoyé un code à six chiffres à {email}. Saisissez-le ici ou ouvrez le lien de l’e-mail.',

  'mail.subject': 'Votre code pour commenter sur {site}',
  'mail.greeting': 'Bonjour,',
  'mail.intro':
    'Saisissez ce code dans le formulaire de commentaire de {site} pour confirmer votre adresse e-mail :',
  'mail.expiry': {
    one: 'Le code ne sert qu’une fois, pendant {count} minute.',
    other: 'Le code ne sert qu’une fois, pendant {count} minutes.',
  },
  'mail.linkIntro':
    'Vous pouvez aussi ouvrir cette page et appuyer sur son bouton, dans le navigateur où vous écrivez votre commentaire :',
  'mail.linkLabel': 'Confirmer mon adresse e-mail',
  'mail.notYou':
    'Si vous n’avez pas demandé ce code, ignorez cet e-mail : personne ne peut utiliser votre adresse sans le code.',
  'mail.footer':
    'Envoyé par Byline, le service de connexion de {site}. Votre adresse n’est jamais montrée aux autres lecteurs.',

  'link.askTitle': 'Confirmez votre adresse e-mail',
  'link.ask':
    'Appuyez sur le bouton pour confirmer votre adresse e-mail et commenter sur {site}. Ne le faites que si vous venez d’y demander un code.',
  'link.button': 'Confirmer mon adresse e-mail',
  'link.deadTitle': 'Ce lien ne fonctionne plus',
  'link.dead':
    'Il a expiré, a déjà servi ou un code plus récent l’a remplacé. Demandez un nouveau code dans le formulaire de commentaire.',
  'link.elsewhereTitle': 'Ouvrez ce lien là où vous avez demandé le code',
  'link.elsewhere':
    'Ce lien ne fonctionne que dans le navigateur (pour le formulaire de commentaire : sur le réseau) où vous avez demandé le code sur {site}. Saisissez plutôt le code de l’e-mail dans le formulaire.',
  'link.doneTitle': 'Votre adresse e-mail est confirmée',
  'link.doneChooser': 'Revenez à la fenêtre de connexion et appuyez sur Continuer : plus besoin de code.',
  'link.doneWidget':
    'Revenez au formulaire de commentaire de {site} et publiez votre commentaire : plus besoin de code.',

  'chooser.title': 'Connectez-vous pour commenter sur {site}',
  'chooser.lead': 'Remplissez vos informations ci-dessous ou cliquez sur une icône pour vous connecter :',
  'chooser.leadProvidersOnly': 'Choisissez comment vous connecter :',
  'chooser.logInWith': 'Se connecter avec {provider}',
  'chooser.loggedInAs': 'Connecté en tant que {name}',
  'chooser.actions': '({logout} / {change})',
  'chooser.logOut': 'Se déconnecter',
  'chooser.change': 'Changer',
  'chooser.handleSubmit': 'Se connecter',
  'chooser.connectingHost': 'Connexion à {host}…',

  'handle.mastodonLabel': 'Votre adresse du fédivers',
  'handle.mastodonHelp':
    'Par exemple @alice@example.social, ou simplement votre serveur, example.social (Mastodon et serveurs semblables).',
  'handle.atprotoLabel': 'Votre identifiant',
  'handle.atprotoHelp':
    'Par exemple alice.bsky.social, ou votre propre nom de domaine si c’est votre identifiant.',
  'handle.indieauthLabel': 'Votre site web',
  'handle.indieauthHelp':
    'Son adresse, par exemple alice.example. Votre site doit indiquer un serveur IndieAuth.',
  'handle.fediverseEmpty':
    'Saisissez votre adresse du fédivers, par exemple @alice@example.social, ou simplement votre serveur, example.social.',
  'handle.fediverseInvalid':
    'Ce n’est pas une adresse du fédivers : elle ressemble à @alice@example.social, ou simplement example.social.',
  'handle.notAccepted': 'Les comptes de {host} ne peuvent pas se connecter ici.',
  'handle.serverNotFound': '{host} est introuvable. Vérifiez l’adresse et réessayez.',
  'handle.serverUnreachable': '{host} est injoignable. Vérifiez l’adresse ou réessayez plus tard.',
  'handle.serverSlow': '{host} n’a pas répondu à temps. Réessayez plus tard.',
  'handle.serverPrivate': '{host} se trouve sur un réseau privé, auquel Byline ne se connecte pas.',
  'handle.serverPlainHttp': '{host} doit être joint en https.',
  'handle.serverRedirects': '{host} a renvoyé Byline d’une adresse à l’autre trop de fois.',
  'handle.serverElsewhere':
    '{host} a renvoyé Byline vers un autre serveur, {other}. Si votre compte s’y trouve, saisissez plutôt cette adresse.',
  'handle.serverTooBig': '{host} a envoyé une réponse bien trop grande pour un serveur du fédivers.',
  'handle.serverCertificate': '{host} n’a pas de certificat https valide.',
  'handle.notMastodon':
    '{host} ne ressemble pas à un serveur du fédivers avec lequel Byline peut se connecter (il n’a pas l’API d’applications de Mastodon).',
  'handle.serverBroken': '{host} a eu un problème pour répondre à Byline. Réessayez plus tard.',
  'handle.atprotoEmpty': 'Saisissez votre identifiant, par exemple alice.bsky.social.',
  'handle.atprotoInvalid':
    'Ce n’est pas un identifiant : un identifiant ressemble à alice.bsky.social ou à votre propre nom de domaine.',
  'handle.atprotoRefused': '{handle} ne peut pas être utilisé ici : {reason}.',
  'handle.atprotoNoAccount': 'Aucun compte ne répond à {handle}. Vérifiez l’identifiant et réessayez.',
  'handle.atprotoUnreachable': 'Le serveur de {handle} est injoignable. Réessayez dans un instant.',
  'handle.atprotoNotServer': 'Le serveur de {handle} n’a pas répondu comme un serveur AT Protocol.',
  'handle.reasonPrivate': '{host} n’est pas sur l’Internet public',
  'handle.reasonPlainHttp': '{host} doit être joint en https',
  'handle.reasonScheme': '{host} : seules les adresses https sont consultées',
  'handle.reasonRedirects': '{host} a redirigé trop de fois',
  'handle.websiteEmpty': 'Saisissez l’adresse de votre site web, par exemple alice.example.',
  'handle.websiteEmail':
    'Cela ressemble à une adresse e-mail : saisissez l’adresse de votre site web, par exemple alice.example.',
  'handle.websiteInvalid':
    '« {address} » n’est pas une adresse de site web : saisissez-en une comme alice.example.',
  'handle.websiteTooLong': 'Cette adresse est trop longue pour une adresse de site web.',
  'handle.websiteNotHttps': 'L’adresse de votre site web doit être une adresse https.',
  'handle.websiteCredentials':
    'L’adresse de votre site web ne doit contenir ni nom d’utilisateur ni mot de passe.',
  'handle.websitePort': 'L’adresse de votre site web ne doit pas contenir de port.',
  'handle.websiteIp': 'L’adresse de votre site web doit indiquer un nom de domaine, pas une adresse IP.',
  'handle.websiteNotDomain':
    'L’adresse de votre site web doit indiquer un nom de domaine comme alice.example.',
  'handle.websiteNotFound': 'Byline n’a pas pu lire {website} : ce site n’existe pas.',
  'handle.websiteUnreachable': 'Byline n’a pas pu lire {website} : il est injoignable.',
  'handle.websiteSlow': 'Byline n’a pas pu lire {website} : il n’a pas répondu à temps.',
  'handle.websiteTooBig': 'Byline n’a pas pu lire {website} : sa réponse est trop grande.',
  'handle.websiteRefused': 'Byline n’a pas pu lire {website} : {reason}.',
  'handle.websiteRedirectLoop': '{website} redirige trop de fois pour permettre une connexion.',
  'handle.websiteRedirectInsecure':
    '{website} redirige vers une adresse que Byline ne suit pas (seules les adresses https le sont).',
  'handle.websiteError': '{website} a répondu par une erreur (HTTP {status}).',
  'handle.websiteNoServer':
    '{website} n’indique aucun serveur IndieAuth ; il ne peut donc pas vous connecter. Sa page d’accueil a besoin d’un lien comme <link rel="indieauth-metadata" href="…"> (ou rel="authorization_endpoint") ; une extension IndieAuth pour votre site l’ajoute.',
  'handle.websiteMetadataInsecure':
    '{website} indique ses métadonnées IndieAuth à une adresse qui n’est pas en https.',
  'handle.websiteAuthorizationInsecure':
    '{website} indique un point d’autorisation dont l’adresse n’est pas en https.',
  'handle.indieauthMetadataStatus':
    'Le serveur IndieAuth qu’indique {website} est inutilisable : ses métadonnées ont répondu {status}.',
  'handle.indieauthMetadataInvalid':
    'Le serveur IndieAuth qu’indique {website} est inutilisable : ses métadonnées ne sont pas un objet JSON.',
  'handle.indieauthIssuer':
    'Le serveur IndieAuth qu’indique {website} est inutilisable : son émetteur (issuer) manque ou n’est pas un préfixe de l’URL de ses métadonnées.',
  'handle.indieauthNoAuthorization':
    'Le serveur IndieAuth qu’indique {website} est inutilisable : il n’indique aucun point d’autorisation.',
  'handle.indieauthNoPkce':
    'Le serveur IndieAuth qu’indique {website} est inutilisable : il ne prend pas en charge PKCE avec S256.',

  'consent.title': 'Continuer vers {site} ?',
  'consent.heading': 'Continuer vers {site} en tant que {name} ?',
  'consent.lead': '{site} connaîtra {shared}. Byline ne pose la question qu’une fois par site.',
  'consent.sharedProfile': 'votre nom et votre photo de profil',
  'consent.sharedEmail': 'votre adresse e-mail',
  'consent.sharedBoth': 'votre nom, votre photo de profil et votre adresse e-mail',
  'consent.sharedNone': 'un identifiant de votre compte',
  'consent.who': 'Connecté en tant que {name} avec {provider}',
  'consent.continue': 'Continuer',
  'consent.cancel': 'Annuler',
  'consent.switch': 'Utiliser un autre compte',
  'consent.choose': 'Choisissez Continuer ou Annuler.',
  'consent.changed':
    'Vous vous êtes déconnecté ou connecté sous un autre nom entre-temps. Revenez sur le site et recommencez.',

  'logout.title': 'Se déconnecter',
  'logout.heading': 'Se déconnecter de Byline ?',
  'logout.notLoggedIn': 'Vous n’êtes pas connecté à Byline dans ce navigateur.',
  'logout.loggedInAs': 'Vous êtes connecté en tant que {name}.',
  'logout.foreign':
    '{site} a demandé de mettre fin à une connexion qui n’est pas celle de ce navigateur. Ici, vous êtes connecté en tant que {name}.',
  'logout.everywhere':
    'Se déconnecter met fin à votre connexion sur tous les blogs où vous l’avez utilisée dans ce navigateur.',
  'logout.button': 'Se déconnecter',
  'logout.doneTitle': 'Déconnecté',
  'logout.doneHeading': 'Vous êtes déconnecté',
  'logout.done':
    'Byline ne se souvient plus de vous dans ce navigateur, et vos connexions sur les blogs où vous l’avez utilisé sont terminées. Vous pouvez fermer cette fenêtre.',
  'logout.hintNotOurs': 'L’id_token_hint n’est pas un jeton d’identité émis par Byline.',
  'logout.hintUnknownSite': 'L’id_token_hint a été émis pour un site que Byline ne connaît pas.',
  'logout.hintOtherSite': 'Le client_id n’est pas le site pour lequel l’id_token_hint a été émis.',
  'logout.redirectWithoutSite': 'post_logout_redirect_uri exige un client_id ou un id_token_hint.',
  'logout.redirectNotRegistered': 'Le post_logout_redirect_uri n’est pas enregistré pour ce site.',

  'return.title': 'Retour au site',
  'return.lead': 'Retour vers {site}…',
  'return.close': 'Si cette fenêtre ne se ferme pas d’elle-même, vous pouvez la fermer.',
  'return.continue': 'Continuer vers {site}',
  'repost.title': 'Fin de la connexion',
  'repost.lead': 'Fin de la connexion avec {provider}…',
  'repost.continue': 'Continuer',

  'error.title': 'Cette connexion ne peut pas continuer',
  'error.titleNotFound': 'Page introuvable',
  'error.titleForbidden': 'Non autorisé',
  'error.titleTooMany': 'Trop de requêtes',
  'error.titleServer': 'Une erreur s’est produite',
  'error.titleUnavailable': 'Momentanément indisponible',
  'error.footer':
    'Code d’erreur : {code}. Vous pouvez fermer cette fenêtre et réessayer depuis la page d’où vous veniez.',
  'error.generic': 'Cette requête n’a pas pu aboutir.',
  'error.notFound': 'Il n’y a rien ici.',
  'error.storeUnavailable': 'Byline est brièvement indisponible. Réessayez dans un instant.',
  'error.unreadableBody': 'Le corps de la requête est illisible.',
  'error.unexpected': 'Une erreur inattendue s’est produite.',
  'error.paramRepeated': 'Le paramètre {name} ne doit être donné qu’une fois.',
  'error.paramTooLong': 'Le paramètre {name} est trop long.',
  'error.paramMissing': 'Le paramètre {name} est obligatoire.',
  'error.siteNotRegistered': 'Ce site n’est pas enregistré auprès de Byline.',
  'error.redirectNotRegistered': 'Le redirect_uri n’est pas enregistré pour ce site.',
  'error.unknownClient': 'Client inconnu.',
  'error.tooManyLogins': 'Trop de connexions depuis cette adresse. Réessayez sous peu.',
  'error.tooManyHandleLogins': {
    one: 'Trop de connexions ont été lancées depuis votre réseau. Réessayez dans {count} minute.',
    other: 'Trop de connexions ont été lancées depuis votre réseau. Réessayez dans {count} minutes.',
  },
  'error.tooManyStarts':
    'Trop de connexions ont été lancées depuis cette page. Revenez sur le site et recommencez.',
  'error.loginExpired': 'Cette connexion a expiré. Revenez sur le site et recommencez.',
  'error.loginUsed': 'Cette connexion a expiré ou a déjà servi. Revenez sur le site et recommencez.',
  'error.loginElsewhere': 'Cette connexion a été lancée ailleurs. Revenez sur le site et recommencez.',
  'error.loggedOutSince': 'Vous vous êtes déconnecté. Revenez sur le site et recommencez.',
  'error.formOrigin': 'Ce formulaire ne peut être envoyé que depuis les pages de Byline.',
  'error.formExpired':
    'Ce formulaire a expiré ou n’a pas été envoyé depuis ce navigateur. Veuillez réessayer.',
  'error.unknownProvider': 'Ce fournisseur d’identité n’existe pas.',
  'error.providerNotOffered': 'Ce site ne propose pas ce fournisseur d’identité.',
  'error.postedCallback': '{provider} répond par redirection, pas par un formulaire envoyé.',
  'error.stateTooLong': 'Le paramètre state est trop long.',

  'deletion.title': 'Demande de suppression des données',
  'deletion.heading': 'Votre demande de suppression des données',
  'deletion.status': 'État : {status}',
  'deletion.completed': 'Terminée',
  'deletion.what':
    'Le {date}, {provider} a informé Byline que vous avez demandé la suppression de vos données. Byline, le service de connexion des blogs où vous vous connectez pour commenter, a mis fin à toutes les sessions qu’il détenait pour votre compte {provider} et supprimé ce qu’elles contenaient : votre nom, votre adresse e-mail et votre photo.',
  'deletion.rest':
    'Byline ne conserve aucune autre donnée vous concernant. Chaque blog conserve les commentaires que vous y avez publiés ; demandez à son propriétaire si vous souhaitez les faire supprimer.',
  'deletion.code': 'Code de confirmation : {code}',
  'deletion.unknownCode':
    'Aucune demande de suppression des données ne correspond à ce code de confirmation.',
  'deletion.unknownApp': 'Cette application Facebook n’existe pas.',

  'dev.title': 'Connexion de développement',
  'dev.heading': 'Fournisseur d’identité de développement',
  'dev.lead':
    'Pour le développement uniquement : saisissez n’importe quel nom pour vous connecter sous ce nom.',
  'dev.name': 'Nom',
  'dev.email': 'E-mail (facultatif)',
  'dev.submit': 'Se connecter',
  'dev.nameMissing': 'Saisissez un nom sous lequel vous connecter.',
  'dev.expired': 'Cette connexion de développement a expiré.',

  'landing.lead':
    'Une passerelle de connexion sociale pour les commentaires de blog : les lecteurs se connectent avec WordPress.com, Facebook, tout fournisseur OpenID Connect ou en tant qu’invités, et le système de commentaires du site reçoit un jeton signé qui nomme l’auteur du commentaire.',
  'landing.demo': 'Ouvrez l’article du blog de démonstration pour essayer une connexion.',
  'landing.keys':
    'Les serveurs vérifient les jetons avec les clés publiées sur {jwks} ; la découverte se trouve sur {discovery}. Émetteur : {issuer}.',
};
