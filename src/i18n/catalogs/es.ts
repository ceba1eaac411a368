import type { Catalog } from '../catalog.js';

export const es: Catalog = {
  'widget.title': 'Deja un comentario',
  'widget.prompt': 'Rellena tus datos o haz clic en un icono para iniciar sesión:',
  'widget.promptProvidersOnly': 'Haz clic en un icono para iniciar sesión y comentar en {site}:',
  'widget.logInWith': 'Iniciar sesión con {provider}',
  'widget.connecting': 'Conectando con {provider}…',
  'widget.choosing': 'Elige cómo iniciar sesión…',
  'widget.windowOpen': 'Hay una ventana de inicio de sesión abierta.',
  'widget.windowClosed': 'La ventana de inicio de sesión está cerrada.',
  'widget.cancel': 'Cancelar',
  'widget.viaProvider': 'Estás comentando con tu cuenta de {provider}.',
  'widget.asGuest': 'Estás comentando como invitado.',
  'widget.actions': '( {logout} / {change} )',
  'widget.logOut': 'Cerrar sesión',
  'widget.change': 'Cambiar',
  'widget.loggedIn': 'Has iniciado sesión como {name}.',
  'widget.loggedOut': 'Has cerrado la sesión.',
  'widget.popupBlocked': 'Tu navegador bloqueó la ventana de inicio de sesión; seguimos en esta página.',
  'widget.wrongServer': 'La respuesta de inicio de sesión vino del servidor equivocado.',
  'widget.mismatch': 'La respuesta de inicio de sesión no corresponde a esta página.',
  'widget.closedEarly': 'La ventana se cerró antes de terminar el inicio de sesión.',
  'widget.cancelled': 'Se canceló el inicio de sesión.',
  'widget.incomplete': 'El inicio de sesión no se completó.',
  'widget.providerDown':
    'No se pudo contactar con el servicio de inicio de sesión. Inténtalo de nuevo en un momento.',
  'widget.unreachable': 'No se pudo contactar con Byline. Comprueba tu conexión e inténtalo de nuevo.',
  'widget.answered': 'Byline respondió {status}.',
  'widget.notSent': 'No se pudo enviar el comentario. Comprueba tu conexión; tu texto se conserva.',
  'widget.expired':
    'Tu sesión ha caducado. Vuelve a iniciar sesión para publicar; tu comentario se conserva.',
  'widget.notPosted': 'Tu comentario no se publicó: {reason}. Tu texto se conserva.',
  'widget.siteAnswered': 'el sitio respondió {status}',
  'widget.codeConfirmNote': '(opcional: así tus comentarios muestran al sitio una dirección confirmada)',
  'widget.codeRequiredNote':
    'Este sitio confirma tu correo electrónico: al publicar, primero te enviamos un código de seis cifras.',
  'widget.codeSent':
    'Enviamos un código de seis cifras a {email}. Escríbelo aquí o abre el enlace del correo, y luego publica tu comentario.',
  'widget.codeSending': 'Enviando el código…',

  'guest.heading': 'O comenta como invitado',
  'guest.email': 'Correo electrónico',
  'guest.name': 'Nombre',
  'guest.website': 'Sitio web',
  'guest.required': '(obligatorio)',
  'guest.emailNote': '(La dirección nunca se hace pública)',
  'guest.continueAsGuest': 'Continuar como invitado',
  'guest.sendCode': 'Envíame un código',
  'guest.confirmEmail': 'Confirmar mi correo electrónico',
  'guest.codeRequiredNote': 'Este sitio te envía un código por correo para confirmar tu dirección.',
  'guest.codeLabel': 'Código del correo',
  'guest.continue': 'Continuar',
  'guest.sendNewCode': 'Enviar un código nuevo',

  'guestError.notText': 'Este campo debe ser texto.',
  'guestError.tooLong': 'Este campo es demasiado largo.',
  'guestError.nameMissing': 'Escribe tu nombre.',
  'guestError.nameTooLong': 'El nombre puede tener como máximo {max} caracteres.',
  'guestError.nameCharacters': 'El nombre contiene caracteres no permitidos.',
  'guestError.nameNoLetter': 'El nombre necesita al menos una letra.',
  'guestError.emailMissing': 'Escribe tu correo electrónico. Nunca se hace público.',
  'guestError.emailInvalid': 'Escribe un correo electrónico válido, como nombre@example.com.',
  'guestError.websiteInvalid': 'Escribe la dirección de tu sitio web, como https://example.com.',
  'guestError.notAccepted': 'Este sitio no acepta comentarios de invitados.',
  'guestError.otherOrigin': 'Solo se aceptan invitados desde las páginas del propio sitio.',
  'guestError.tooMany': 'Demasiados accesos como invitado desde esta dirección. Inténtalo de nuevo en breve.',
  'code.missing': 'Escribe el código de seis cifras que te enviamos por correo.',
  'code.malformed': 'El código son las seis cifras del correo.',
  'code.wrong': {
    one: 'El código no es correcto. Te queda {count} intento.',
    other: 'El código no es correcto. Te quedan {count} intentos.',
  },
  'code.dead': 'El código no es correcto y ya no se puede volver a intentar. Pide un código nuevo.',
  'code.expired': 'Este código ha caducado o ya se usó. Pide un código nuevo.',
  'code.emailNeeded': 'Escribe tu correo electrónico: este sitio te envía un código para confirmarlo.',
  'code.notVerifying': 'Este sitio no pide a los invitados que confirmen su correo electrónico.',
  'code.otherOrigin': 'Los códigos solo se envían para las páginas del propio sitio.',
  'code.tooManyFromAddress': 'Se han pedido demasiados códigos desde esta dirección. Inténtalo más tarde.',
  'code.tooManyForEmail': 'Se han enviado demasiados códigos a este correo. Inténtalo más tarde.',
  'code.tooManyForSite': 'Este sitio está enviando demasiados códigos en este momento. Inténtalo más tarde.',
  'code.tooManyWrong': 'Se han escrito demasiados códigos incorrectos para este correo. Inténtalo más tarde.',
  'code.recipientRefused': 'El servidor de correo rechazó esta dirección. Revísala o usa otra.',
  'code.unreachable':
    'No se pudo enviar el código: el servidor de correo no respondió. Inténtalo en unos minutos.',
  'code.refused': 'No se pudo enviar el código: el servidor de correo lo rechazó. Inténtalo más tarde.',
  'code.sent': 'Enviamos un código de seis cifras a {email}. Escríbelo aquí o abre el enlace del correo.',

  'mail.subject': 'Tu código para comentar en {site}',
  'mail.greeting': 'Hola:',
  'mail.intro':
    'Escribe este código en el formulario de comentarios de {site} para confirmar tu correo electrónico:',
  'mail.expiry': {
    one: 'El código sirve una vez, durante {count} minuto.',
    other: 'El código sirve una vez, durante {count} minutos.',
  },
  'mail.linkIntro':
    'O abre esta página y pulsa su botón, en el navegador donde estás escribiendo tu comentario:',
  'mail.linkLabel': 'Confirmar mi correo electrónico',
  'mail.notYou':
    'Si no pediste este código, ignora este correo: nadie puede usar tu dirección sin el código.',
  'mail.footer':
    'Enviado por Byline, el servicio de inicio de sesión de {site}. Tu dirección nunca se muestra a otros lectores.',

  'link.askTitle': 'Confirma tu correo electrónico',
  'link.ask':
    'Pulsa el botón para confirmar tu correo electrónico y comentar en {site}. Hazlo solo si acabas de pedir un código allí.',
  'link.button': 'Confirmar mi correo electrónico',
  'link.deadTitle': 'Este enlace ya no funciona',
  'link.dead':
    'Ha caducado, ya se usó o lo sustituyó un código más reciente. Pide un código nuevo en el formulario de comentarios.',
  'link.elsewhereTitle': 'Abre este enlace donde pediste el código',
  'link.elsewhere':
    'Este enlace solo funciona en el navegador (para el formulario de comentarios: en la red) donde pediste el código en {site}. Escribe en su lugar el código del correo en el formulario.',
  'link.doneTitle': 'Tu correo electrónico está confirmado',
  'link.doneChooser': 'Vuelve a la ventana de inicio de sesión y pulsa Continuar: ya no hace falta código.',
  'link.doneWidget':
    'Vuelve al formulario de comentarios de {site} y publica tu comentario: ya no hace falta código.',

  'chooser.title': 'Inicia sesión para comentar en {site}',
  'chooser.lead': 'Rellena tus datos o haz clic en un icono para iniciar sesión:',
  'chooser.leadProvidersOnly': 'Elige cómo iniciar sesión:',
  'chooser.logInWith': 'Iniciar sesión con {provider}',
  'chooser.loggedInAs': 'Sesión iniciada como {name}',
  'chooser.actions': '({logout} / {change})',
  'chooser.logOut': 'Cerrar sesión',
  'chooser.change': 'Cambiar',
  'chooser.handleSubmit': 'Iniciar sesión',
  'chooser.connectingHost': 'Conectando con {host}…',

  'handle.mastodonLabel': 'Tu dirección del fediverso',
  'handle.mastodonHelp':
    'Como @alice@example.social, o solo tu servidor, example.social (Mastodon y servidores similares).',
  'handle.atprotoLabel': 'Tu identificador',
  'handle.atprotoHelp': 'Como alice.bsky.social, o tu propio dominio si ese es tu identificador.',
  'handle.indieauthLabel': 'Tu sitio web',
  'handle.indieauthHelp': 'Su dirección, como alice.example. Tu sitio debe indicar un servidor IndieAuth.',
  'handle.fediverseEmpty':
    'Escribe tu dirección del fediverso, como @alice@example.social, o solo tu servidor, example.social.',
  'handle.fediverseInvalid':
    'Eso no es una dirección del fediverso: tiene la forma @alice@example.social, o simplemente example.social.',
  'handle.notAccepted': 'Las cuentas de {host} no pueden iniciar sesión aquí.',
  'handle.serverNotFound': 'No se encontró {host}. Revisa la dirección e inténtalo de nuevo.',
  'handle.serverUnreachable': 'No se pudo contactar con {host}. Revisa la dirección o inténtalo más tarde.',
  'handle.serverSlow': '{host} no respondió a tiempo. Inténtalo más tarde.',
  'handle.serverPrivate': '{host} está en una red privada, a la que Byline no se conecta.',
  'handle.serverPlainHttp': '{host} debe usarse por https.',
  'handle.serverRedirects': '{host} envió a Byline de una dirección a otra demasiadas veces.',
  'handle.serverElsewhere':
    '{host} envió a Byline a otro servidor, {other}. Si tu cuenta está allí, escribe esa dirección.',
  'handle.serverTooBig': '{host} envió una respuesta demasiado grande para un servidor del fediverso.',
  'handle.serverCertificate': '{host} no tiene un certificado https válido.',
  'handle.notMastodon':
    '{host} no parece un servidor del fediverso con el que Byline pueda iniciar sesión (no tiene la API de apps de Mastodon).',
  'handle.serverBroken': '{host} tuvo un problema al responder a Byline. Inténtalo más tarde.',
  'handle.atprotoEmpty': 'Escribe tu identificador, como alice.bsky.social.',
  'handle.atprotoInvalid':
    'Eso no es un identificador: tiene la forma alice.bsky.social o de tu propio dominio.',
  'handle.atprotoRefused': '{handle} no se puede usar aquí: {reason}.',
  'handle.atprotoNoAccount':
    'Ninguna cuenta responde a {handle}. Revisa el identificador e inténtalo de nuevo.',
  'handle.atprotoUnreachable':
    'No se pudo contactar con el servidor de {handle}. Inténtalo de nuevo en un momento.',
  'handle.atprotoNotServer': 'El servidor de {handle} no respondió como lo hace un servidor AT Protocol.',
  'handle.reasonPrivate': '{host} no está en la Internet pública',
  'handle.reasonPlainHttp': '{host} debe usarse por https',
  'handle.reasonScheme': '{host}: solo se consultan direcciones https',
  'handle.reasonRedirects': '{host} redirigió demasiadas veces',
  'handle.websiteEmpty': 'Escribe la dirección de tu sitio web, como alice.example.',
  'handle.websiteEmail':
    'Eso parece una dirección de correo electrónico: escribe la dirección de tu sitio web, como alice.example.',
  'handle.websiteInvalid': '«{address}» no es la dirección de un sitio web: escribe una como alice.example.',
  'handle.websiteTooLong': 'Esa dirección es demasiado larga para ser la de un sitio web.',
  'handle.websiteNotHttps': 'La dirección de tu sitio web debe ser una dirección https.',
  'handle.websiteCredentials':
    'La dirección de tu sitio web no debe contener un nombre de usuario ni una contraseña.',
  'handle.websitePort': 'La dirección de tu sitio web no debe contener un puerto.',
  'handle.websiteIp': 'La dirección de tu sitio web debe indicar un dominio, no una dirección IP.',
  'handle.websiteNotDomain': 'La dirección de tu sitio web debe indicar un dominio como alice.example.',
  'handle.websiteNotFound': 'Byline no pudo leer {website}: ese sitio no existe.',
  'handle.websiteUnreachable': 'Byline no pudo leer {website}: no se pudo conectar con él.',
  'handle.websiteSlow': 'Byline no pudo leer {website}: no respondió a tiempo.',
  'handle.websiteTooBig': 'Byline no pudo leer {website}: su respuesta es demasiado grande.',
  'handle.websiteRefused': 'Byline no pudo leer {website}: {reason}.',
  'handle.websiteRedirectLoop': '{website} redirige demasiadas veces como para iniciar sesión con él.',
  'handle.websiteRedirectInsecure':
    '{website} redirige a una dirección que Byline no sigue (solo sigue direcciones https).',
  'handle.websiteError': '{website} respondió con un error (HTTP {status}).',
  'handle.websiteNoServer':
    '{website} no indica ningún servidor IndieAuth, así que no sirve para iniciar sesión. Su página de inicio necesita un enlace como <link rel="indieauth-metadata" href="…"> (o rel="authorization_endpoint"); un plugin de IndieAuth para tu sitio lo añade.',
  'handle.websiteMetadataInsecure':
    '{website} indica sus metadatos de IndieAuth en una dirección que no es https.',
  'handle.websiteAuthorizationInsecure':
    '{website} indica un punto de autorización que no es una dirección https.',
  'handle.indieauthMetadataStatus':
    'El servidor IndieAuth que indica {website} no se puede usar: sus metadatos respondieron {status}.',
  'handle.indieauthMetadataInvalid':
    'El servidor IndieAuth que indica {website} no se puede usar: sus metadatos no son un objeto JSON.',
  'handle.indieauthIssuer':
    'El servidor IndieAuth que indica {website} no se puede usar: falta su emisor (issuer) o no es un prefijo de la URL de sus metadatos.',
  'handle.indieauthNoAuthorization':
    'El servidor IndieAuth que indica {website} no se puede usar: no indica ningún punto de autorización.',
  'handle.indieauthNoPkce':
    'El servidor IndieAuth que indica {website} no se puede usar: no admite PKCE con S256.',

  'consent.title': '¿Continuar a {site}?',
  'consent.heading': '¿Continuar a {site} como {name}?',
  'consent.lead': '{site} conocerá {shared}. Byline lo pregunta una vez por sitio.',
  'consent.sharedProfile': 'tu nombre y tu foto de perfil',
  'consent.sharedEmail': 'tu correo electrónico',
  'consent.sharedBoth': 'tu nombre, tu foto de perfil y tu correo electrónico',
  'consent.sharedNone': 'un identificador de tu cuenta',
  'consent.who': 'Sesión iniciada como {name} con {provider}',
  'consent.continue': 'Continuar',
  'consent.cancel': 'Cancelar',
  'consent.switch': 'Usar otra cuenta',
  'consent.choose': 'Elige Continuar o Cancelar.',
  'consent.changed':
    'Desde entonces has cerrado la sesión o has entrado como otra persona. Vuelve al sitio y empieza de nuevo.',

  'logout.title': 'Cerrar sesión',
  'logout.heading': '¿Cerrar sesión en Byline?',
  'logout.notLoggedIn': 'No has iniciado sesión en Byline en este navegador.',
  'logout.loggedInAs': 'Has iniciado sesión como {name}.',
  'logout.foreign':
    '{site} pidió cerrar una sesión que no es la de este navegador. Aquí has iniciado sesión como {name}.',
  'logout.everywhere':
    'Al cerrar sesión terminas tu sesión en todos los blogs donde la usaste en este navegador.',
  'logout.button': 'Cerrar sesión',
  'logout.doneTitle': 'Sesión cerrada',
  'logout.doneHeading': 'Has cerrado la sesión',
  'logout.done':
    'Byline ya no te recuerda en este navegador y tus sesiones en los blogs donde lo usaste han terminado. Puedes cerrar esta ventana.',
  'logout.hintNotOurs': 'El id_token_hint no es un token de ID emitido por Byline.',
  'logout.hintUnknownSite': 'El id_token_hint se emitió para un sitio que Byline no conoce.',
  'logout.hintOtherSite': 'El client_id no es el sitio para el que se emitió el id_token_hint.',
  'logout.redirectWithoutSite': 'post_logout_redirect_uri necesita un client_id o un id_token_hint.',
  'logout.redirectNotRegistered': 'El post_logout_redirect_uri no está registrado para este sitio.',

  'return.title': 'Volviendo al sitio',
  'return.lead': 'Volviendo a {site}…',
  'return.close': 'Si esta ventana no se cierra sola, puedes cerrarla.',
  'return.continue': 'Continuar a {site}',
  'repost.title': 'Terminando el inicio de sesión',
  'repost.lead': 'Terminando el inicio de sesión con {provider}…',
  'repost.continue': 'Continuar',

  'error.title': 'Este inicio de sesión no puede continuar',
  'error.titleNotFound': 'Página no encontrada',
  'error.titleForbidden': 'No permitido',
  'error.titleTooMany': 'Demasiadas solicitudes',
  'error.titleServer': 'Algo salió mal',
  'error.titleUnavailable': 'No disponible temporalmente',
  'error.footer':
    'Código de error: {code}. Puedes cerrar esta ventana y volver a intentarlo desde la página de la que venías.',
  'error.generic': 'No se pudo completar esta solicitud.',
  'error.notFound': 'Aquí no hay nada.',
  'error.storeUnavailable': 'Byline no está disponible por un momento. Inténtalo de nuevo enseguida.',
  'error.unreadableBody': 'No se pudo leer el cuerpo de la solicitud.',
  'error.unexpected': 'Se produjo un error inesperado.',
  'error.paramRepeated': 'El parámetro {name} debe indicarse una sola vez.',
  'error.paramTooLong': 'El parámetro {name} es demasiado largo.',
  'error.paramMissing': 'Falta el parámetro {name}.',
  'error.siteNotRegistered': 'Este sitio no está registrado en Byline.',
  'error.redirectNotRegistered': 'El redirect_uri no está registrado para este sitio.',
  'error.unknownClient': 'Cliente desconocido.',
  'error.tooManyLogins': 'Demasiados inicios de sesión desde esta dirección. Inténtalo de nuevo en breve.',
  'error.tooManyHandleLogins': {
    one: 'Se iniciaron demasiados inicios de sesión desde tu red. Inténtalo de nuevo en {count} minuto.',
    other: 'Se iniciaron demasiados inicios de sesión desde tu red. Inténtalo de nuevo en {count} minutos.',
  },
  'error.tooManyStarts':
    'Se iniciaron demasiados inicios de sesión desde esta página. Vuelve al sitio y empieza de nuevo.',
  'error.loginExpired': 'Este inicio de sesión ha caducado. Vuelve al sitio y empieza de nuevo.',
  'error.loginUsed': 'Este inicio de sesión ha caducado o ya se usó. Vuelve al sitio y empieza de nuevo.',
  'error.loginElsewhere': 'Este inicio de sesión empezó en otro lugar. Vuelve al sitio y empieza de nuevo.',
  'error.loggedOutSince': 'Has cerrado la sesión. Vuelve al sitio y empieza de nuevo.',
  'error.formOrigin': 'Este formulario solo puede enviarse desde las páginas de Byline.',
  'error.formExpired': 'Este formulario ha caducado o no se envió desde este navegador. Inténtalo de nuevo.',
  'error.unknownProvider': 'Ese proveedor de identidad no existe.',
  'error.providerNotOffered': 'Este sitio no ofrece ese proveedor de identidad.',
  'error.postedCallback': '{provider} responde con una redirección, no con un formulario enviado.',
  'error.stateTooLong': 'El parámetro state es demasiado largo.',

  'deletion.title': 'Solicitud de eliminación de datos',
  'deletion.heading': 'Tu solicitud de eliminación de datos',
  'deletion.status': 'Estado: {status}',
  'deletion.completed': 'Completada',
  'deletion.what':
    'El {date}, {provider} informó a Byline de que pediste eliminar tus datos. Byline, el servicio de inicio de sesión de los blogs donde entras para comentar, terminó todas las sesiones que tenía de tu cuenta de {provider} y eliminó lo que contenían: tu nombre, tu correo electrónico y tu foto.',
  'deletion.rest':
    'Byline no guarda ningún otro dato tuyo. Cada blog conserva los comentarios que publicaste; pide a su propietario que los elimine si lo deseas.',
  'deletion.code': 'Código de confirmación: {code}',
  'deletion.unknownCode': 'No hay ninguna solicitud de eliminación de datos con este código de confirmación.',
  'deletion.unknownApp': 'Esa aplicación de Facebook no existe.',

  'dev.title': 'Acceso de desarrollo',
  'dev.heading': 'Proveedor de identidad de desarrollo',
  'dev.lead': 'Solo para desarrollo: escribe cualquier nombre para entrar como esa persona.',
  'dev.name': 'Nombre',
  'dev.email': 'Correo electrónico (opcional)',
  'dev.submit': 'Iniciar sesión',
  'dev.nameMissing': 'Escribe un nombre con el que entrar.',
  'dev.expired': 'Este acceso de desarrollo ha caducado.',

  'landing.lead':
    'Una pasarela de inicio de sesión social para comentarios de blogs: los lectores entran con WordPress.com, Facebook, cualquier proveedor OpenID Connect o como invitados, y el sistema de comentarios del sitio recibe un token firmado que identifica a quien comenta.',
  'landing.demo': 'Abre la entrada del blog de demostración para probar un inicio de sesión.',
  'landing.keys':
    'Los servidores verifican los tokens con las claves de {jwks}; el descubrimiento está en {discovery}. Emisor: {issuer}.',
};
