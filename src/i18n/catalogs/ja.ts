import type { Catalog } from '../catalog.js';

export const ja: Catalog = {
  'widget.title': 'コメントを残す',
  'widget.prompt': '下に情報を入力するか、アイコンをクリックしてログインしてください:',
  'widget.promptProvidersOnly': '{site} にコメントするには、アイコンをクリックしてログインしてください:',
  'widget.logInWith': '{provider} でログイン',
  'widget.connecting': '{provider} に接続しています…',
  'widget.choosing': 'ログイン方法を選んでください…',
  'widget.windowOpen': 'ログイン用のウィンドウが開いています。',
  'widget.windowClosed': 'ログイン用のウィンドウは閉じられました。',
  'widget.cancel': 'キャンセル',
  'widget.viaProvider': '{provider} のアカウントでコメントしています。',
  'widget.asGuest': 'ゲストとしてコメントしています。',
  'widget.actions': '（{logout}／{change}）',
  'widget.logOut': 'ログアウト',
  'widget.change': '変更',
  'widget.loggedIn': '{name} としてログインしました。',
  'widget.loggedOut': 'ログアウトしました。',
  'widget.popupBlocked': 'ブラウザがログイン用のウィンドウをブロックしたため、このページで続けます。',
  'widget.wrongServer': 'ログインの応答が別のサーバーから届きました。',
  'widget.mismatch': 'ログインの応答がこのページと一致しません。',
  'widget.closedEarly': 'ログインが終わる前にウィンドウが閉じられました。',
  'widget.cancelled': 'ログインはキャンセルされました。',
  'widget.incomplete': 'ログインを完了できませんでした。',
  'widget.providerDown': 'ログインサービスに接続できません。しばらくしてからもう一度お試しください。',
  'widget.unreachable': 'Byline に接続できません。接続を確認して、もう一度お試しください。',
  'widget.answered': 'Byline がエラー {status} を返しました。',
  'widget.notSent': 'コメントを送信できませんでした。接続を確認してください。入力した文章は残っています。',
  'widget.expired':
    'ログインの有効期限が切れました。投稿するにはもう一度ログインしてください。コメントは残っています。',
  'widget.notPosted': 'コメントは投稿されませんでした: {reason}。入力した文章は残っています。',
  'widget.siteAnswered': 'サイトがエラー {status} を返しました',
  'widget.codeConfirmNote': '（任意: 確認済みのアドレスがサイトに伝わります）',
  'widget.codeRequiredNote':
    'このサイトではメールアドレスを確認します。投稿すると、まず 6 桁のコードをメールでお送りします。',
  'widget.codeSent':
    '{email} に 6 桁のコードを送信しました。ここに入力するか、メール内のリンクを開いてから、コメントを投稿してください。',
  'widget.codeSending': 'コードを送信しています…',

  'guest.heading': 'またはゲストとしてコメント',
  'guest.email': 'メールアドレス',
  'guest.name': '名前',
  'guest.website': 'ウェブサイト',
  'guest.required': '（必須）',
  'guest.emailNote': '（公開されることはありません）',
  'guest.continueAsGuest': 'ゲストとして続ける',
  'guest.sendCode': 'コードを送信',
  'guest.confirmEmail': 'メールアドレスを確認',
  'guest.codeRequiredNote': 'このサイトでは、メールアドレスの確認のためにコードをメールでお送りします。',
  'guest.codeLabel': 'メールに記載のコード',
  'guest.continue': '続ける',
  'guest.sendNewCode': '新しいコードを送信',

  'guestError.notText': 'この欄には文字を入力してください。',
  'guestError.tooLong': 'この欄の入力が長すぎます。',
  'guestError.nameMissing': '名前を入力してください。',
  'guestError.nameTooLong': '名前は {max} 文字以内で入力してください。',
  'guestError.nameCharacters': '名前に使用できない文字が含まれています。',
  'guestError.nameNoLetter': '名前には文字を 1 つ以上含めてください。',
  'guestError.emailMissing': 'メールアドレスを入力してください。公開されることはありません。',
  'guestError.emailInvalid': '有効なメールアドレスを入力してください（例: name@example.com）。',
  'guestError.websiteInvalid': 'ウェブサイトのアドレスを入力してください（例: https://example.com）。',
  'guestError.notAccepted': 'このサイトはゲストのコメントを受け付けていません。',
  'guestError.otherOrigin': 'ゲストのログインは、サイト自身のページからのみ受け付けます。',
  'guestError.tooMany': 'このアドレスからのゲストログインが多すぎます。しばらくしてからお試しください。',
  'code.missing': 'メールでお送りした 6 桁のコードを入力してください。',
  'code.malformed': 'コードはメールに記載の 6 桁の数字です。',
  'code.wrong': {
    other: 'コードが正しくありません。あと {count} 回試せます。',
  },
  'code.dead': 'コードが正しくありません。これ以上は試せません。新しいコードを請求してください。',
  'code.expired': 'このコードは有効期限切れか、すでに使用されています。新しいコードを請求してください。',
  'code.emailNeeded': 'メールアドレスを入力してください。確認のためにこのサイトからコードをお送りします。',
  'code.notVerifying': 'このサイトでは、ゲストにメールアドレスの確認を求めていません。',
  'code.otherOrigin': 'コードはサイト自身のページに対してのみ送信されます。',
  'code.tooManyFromAddress': 'このアドレスからのコードの請求が多すぎます。時間をおいてお試しください。',
  'code.tooManyForEmail': 'このメールアドレスに送ったコードが多すぎます。時間をおいてお試しください。',
  'code.tooManyForSite': 'このサイトでは現在コードの送信が多すぎます。時間をおいてお試しください。',
  'code.tooManyWrong':
    'このメールアドレスで間違ったコードが何度も入力されました。時間をおいてお試しください。',
  'code.recipientRefused':
    'メールサーバーがこのアドレスを拒否しました。確認するか、別のアドレスを使ってください。',
  'code.unreachable': 'コードを送信できませんでした。メールサーバーが応答しません。数分後にお試しください。',
  'code.refused':
    'コードを送信できませんでした。メールサーバーに拒否されました。時間をおいてお試しください。',
  'code.sent': '{email} に 6 桁のコードを送信しました。ここに入力するか、メール内のリンクを開いてください。',

  'mail.subject': '{site} にコメントするためのコード',
  'mail.greeting': 'こんにちは。',
  'mail.intro': 'メールアドレスを確認するため、{site} のコメントフォームにこのコードを入力してください:',
  'mail.expiry': {
    other: 'コードは 1 回限り、{count} 分間有効です。',
  },
  'mail.linkIntro': 'または、コメントを書いているブラウザでこのページを開き、ボタンを押してください:',
  'mail.linkLabel': 'メールアドレスを確認',
  'mail.notYou':
    'このコードに心当たりがない場合は、このメールを無視してください。コードがなければ誰もあなたのアドレスを使えません。',
  'mail.footer':
    '{site} のログインサービス Byline から送信しました。あなたのアドレスがほかの読者に表示されることはありません。',

  'link.askTitle': 'メールアドレスの確認',
  'link.ask':
    'ボタンを押すと、{site} でコメントするためのメールアドレスが確認されます。直前にそこでコードを請求した場合にのみ押してください。',
  'link.button': 'メールアドレスを確認',
  'link.deadTitle': 'このリンクは使えません',
  'link.dead':
    '有効期限が切れたか、すでに使用されたか、新しいコードに置き換えられました。コメントフォームで新しいコードを請求してください。',
  'link.elsewhereTitle': 'コードを請求した場所でこのリンクを開いてください',
  'link.elsewhere':
    'このリンクは、{site} でコードを請求したブラウザ（コメントフォームの場合は同じネットワーク）でのみ使えます。代わりに、メールに記載のコードをフォームに入力してください。',
  'link.doneTitle': 'メールアドレスが確認されました',
  'link.doneChooser':
    'ログイン用のウィンドウに戻って「続ける」を押してください。コードはもう必要ありません。',
  'link.doneWidget':
    '{site} のコメントフォームに戻ってコメントを投稿してください。コードはもう必要ありません。',

  'chooser.title': '{site} にコメントするにはログイン',
  'chooser.lead': '下に情報を入力するか、アイコンをクリックしてログインしてください:',
  'chooser.leadProvidersOnly': 'ログイン方法を選んでください:',
  'chooser.logInWith': '{provider} でログイン',
  'chooser.loggedInAs': '{name} としてログイン中',
  'chooser.actions': '（{logout}／{change}）',
  'chooser.logOut': 'ログアウト',
  'chooser.change': '変更',
  'chooser.handleSubmit': 'ログイン',
  'chooser.connectingHost': '{host} に接続しています…',

  'handle.mastodonLabel': 'フェディバースのアドレス',
  'handle.mastodonHelp':
    '例: @alice@example.social、またはサーバーだけ（example.social）。Mastodon と同様のサーバーに対応しています。',
  'handle.atprotoLabel': 'ハンドル',
  'handle.atprotoHelp': '例: alice.bsky.social。独自ドメインをハンドルにしている場合はそのドメイン。',
  'handle.indieauthLabel': 'ウェブサイト',
  'handle.indieauthHelp':
    'サイトのアドレス（例: alice.example）。サイトで IndieAuth サーバーを指定している必要があります。',
  'handle.fediverseEmpty':
    'フェディバースのアドレス（例: @alice@example.social）か、サーバーだけ（example.social）を入力してください。',
  'handle.fediverseInvalid':
    'フェディバースのアドレスではありません。@alice@example.social や example.social の形式です。',
  'handle.notAccepted': '{host} のアカウントではここにログインできません。',
  'handle.serverNotFound': '{host} が見つかりません。アドレスを確認して、もう一度お試しください。',
  'handle.serverUnreachable':
    '{host} に接続できません。アドレスを確認するか、しばらくしてからお試しください。',
  'handle.serverSlow': '{host} から時間内に応答がありませんでした。しばらくしてからお試しください。',
  'handle.serverPrivate': '{host} はプライベートネットワーク上にあり、Byline は接続しません。',
  'handle.serverPlainHttp': '{host} には https で接続する必要があります。',
  'handle.serverRedirects': '{host} が Byline を何度も別のアドレスへ転送しました。',
  'handle.serverElsewhere':
    '{host} が Byline を別のサーバー（{other}）へ転送しました。アカウントがそちらにある場合は、そのアドレスを入力してください。',
  'handle.serverTooBig': '{host} からの応答は、フェディバースのサーバーとしては大きすぎます。',
  'handle.serverCertificate': '{host} には有効な https 証明書がありません。',
  'handle.notMastodon':
    '{host} は、Byline がログインに使えるフェディバースのサーバーではないようです（Mastodon のアプリ API がありません）。',
  'handle.serverBroken': '{host} が Byline への応答で問題を起こしました。しばらくしてからお試しください。',
  'handle.atprotoEmpty': 'ハンドルを入力してください（例: alice.bsky.social）。',
  'handle.atprotoInvalid': 'ハンドルではありません。ハンドルは alice.bsky.social や独自ドメインの形式です。',
  'handle.atprotoRefused': '{handle} はここでは使えません: {reason}。',
  'handle.atprotoNoAccount':
    '{handle} に対応するアカウントがありません。ハンドルを確認して、もう一度お試しください。',
  'handle.atprotoUnreachable': '{handle} のサーバーに接続できません。少ししてからもう一度お試しください。',
  'handle.atprotoNotServer': '{handle} のサーバーは AT Protocol のサーバーとして応答しませんでした。',
  'handle.reasonPrivate': '{host} は公開インターネット上にありません',
  'handle.reasonPlainHttp': '{host} には https で接続する必要があります',
  'handle.reasonScheme': '{host}: https のアドレスのみ取得します',
  'handle.reasonRedirects': '{host} のリダイレクトが多すぎます',
  'handle.websiteEmpty': 'ウェブサイトのアドレスを入力してください（例: alice.example）。',
  'handle.websiteEmail':
    'メールアドレスのようです。ウェブサイトのアドレスを入力してください（例: alice.example）。',
  'handle.websiteInvalid':
    '「{address}」はウェブサイトのアドレスではありません。alice.example のようなアドレスを入力してください。',
  'handle.websiteTooLong': 'ウェブサイトのアドレスとしては長すぎます。',
  'handle.websiteNotHttps': 'ウェブサイトのアドレスは https のアドレスである必要があります。',
  'handle.websiteCredentials': 'ウェブサイトのアドレスにユーザー名やパスワードを含めることはできません。',
  'handle.websitePort': 'ウェブサイトのアドレスにポート番号を含めることはできません。',
  'handle.websiteIp': 'ウェブサイトのアドレスには IP アドレスではなくドメインを指定してください。',
  'handle.websiteNotDomain': 'ウェブサイトのアドレスには alice.example のようなドメインを指定してください。',
  'handle.websiteNotFound': 'Byline は {website} を読み込めませんでした。そのサイトは存在しません。',
  'handle.websiteUnreachable': 'Byline は {website} を読み込めませんでした。サイトに接続できません。',
  'handle.websiteSlow': 'Byline は {website} を読み込めませんでした。時間内に応答がありませんでした。',
  'handle.websiteTooBig': 'Byline は {website} を読み込めませんでした。応答が大きすぎます。',
  'handle.websiteRefused': 'Byline は {website} を読み込めませんでした: {reason}。',
  'handle.websiteRedirectLoop': '{website} はリダイレクトが多すぎるため、ログインに使えません。',
  'handle.websiteRedirectInsecure':
    '{website} は Byline がたどらないアドレスへリダイレクトしています（たどるのは https のアドレスだけです）。',
  'handle.websiteError': '{website} がエラーを返しました（HTTP {status}）。',
  'handle.websiteNoServer':
    '{website} は IndieAuth サーバーを指定していないため、ログインに使えません。ホームページに <link rel="indieauth-metadata" href="…">（または rel="authorization_endpoint"）のようなリンクが必要です。サイト用の IndieAuth プラグインを入れると追加されます。',
  'handle.websiteMetadataInsecure':
    '{website} は IndieAuth のメタデータを https ではないアドレスで指定しています。',
  'handle.websiteAuthorizationInsecure':
    '{website} が指定する認可エンドポイントは https のアドレスではありません。',
  'handle.indieauthMetadataStatus':
    '{website} が指定する IndieAuth サーバーは使用できません。メタデータの応答は {status} でした。',
  'handle.indieauthMetadataInvalid':
    '{website} が指定する IndieAuth サーバーは使用できません。メタデータが JSON オブジェクトではありません。',
  'handle.indieauthIssuer':
    '{website} が指定する IndieAuth サーバーは使用できません。発行者（issuer）がないか、メタデータの URL の先頭部分と一致しません。',
  'handle.indieauthNoAuthorization':
    '{website} が指定する IndieAuth サーバーは使用できません。認可エンドポイントが指定されていません。',
  'handle.indieauthNoPkce':
    '{website} が指定する IndieAuth サーバーは使用できません。S256 による PKCE に対応していません。',

  'consent.title': '{site} に進みますか？',
  'consent.heading': '{name} として {site} に進みますか？',
  'consent.lead': '{site} に{shared}が伝わります。Byline はサイトごとに一度だけ確認します。',
  'consent.sharedProfile': 'あなたの名前とプロフィール画像',
  'consent.sharedEmail': 'あなたのメールアドレス',
  'consent.sharedBoth': 'あなたの名前、プロフィール画像、メールアドレス',
  'consent.sharedNone': 'あなたのアカウントの識別子',
  'consent.who': '{provider} で {name} としてログイン中',
  'consent.continue': '続ける',
  'consent.cancel': 'キャンセル',
  'consent.switch': '別のアカウントを使う',
  'consent.choose': '「続ける」か「キャンセル」を選んでください。',
  'consent.changed':
    'その後ログアウトしたか、別の人としてログインしました。サイトに戻って、最初からやり直してください。',

  'logout.title': 'ログアウト',
  'logout.heading': 'Byline からログアウトしますか？',
  'logout.notLoggedIn': 'このブラウザでは Byline にログインしていません。',
  'logout.loggedInAs': '{name} としてログインしています。',
  'logout.foreign':
    '{site} から、このブラウザのものではないログインの終了を求められました。ここでは {name} としてログインしています。',
  'logout.everywhere': 'ログアウトすると、このブラウザで利用したすべてのブログでのログインが終了します。',
  'logout.button': 'ログアウト',
  'logout.doneTitle': 'ログアウトしました',
  'logout.doneHeading': 'ログアウトしました',
  'logout.done':
    'Byline はこのブラウザであなたを記憶しなくなり、利用したブログでのログインも終了しました。このウィンドウは閉じてかまいません。',
  'logout.hintNotOurs': 'id_token_hint は Byline が発行した ID トークンではありません。',
  'logout.hintUnknownSite': 'id_token_hint は Byline が知らないサイトに発行されたものです。',
  'logout.hintOtherSite': 'client_id が id_token_hint の発行先のサイトと一致しません。',
  'logout.redirectWithoutSite': 'post_logout_redirect_uri には client_id か id_token_hint が必要です。',
  'logout.redirectNotRegistered': 'post_logout_redirect_uri はこのサイトに登録されていません。',

  'return.title': 'サイトに戻っています',
  'return.lead': '{site} に戻っています…',
  'return.close': 'このウィンドウが自動で閉じない場合は、閉じてかまいません。',
  'return.continue': '{site} に進む',
  'repost.title': 'ログインを完了しています',
  'repost.lead': '{provider} でのログインを完了しています…',
  'repost.continue': '続ける',

  'error.title': 'このログインは続行できません',
  'error.titleNotFound': 'ページが見つかりません',
  'error.titleForbidden': '許可されていません',
  'error.titleTooMany': 'リクエストが多すぎます',
  'error.titleServer': '問題が発生しました',
  'error.titleUnavailable': '一時的に利用できません',
  'error.footer': 'エラーコード: {code}。このウィンドウを閉じて、元のページからもう一度お試しください。',
  'error.generic': 'このリクエストを完了できませんでした。',
  'error.notFound': 'ここには何もありません。',
  'error.storeUnavailable': 'Byline は一時的に利用できません。少ししてからもう一度お試しください。',
  'error.unreadableBody': 'リクエストの本文を読み取れませんでした。',
  'error.unexpected': '予期しないエラーが発生しました。',
  'error.paramRepeated': 'パラメーター {name} は 1 回だけ指定してください。',
  'error.paramTooLong': 'パラメーター {name} が長すぎます。',
  'error.paramMissing': 'パラメーター {name} が必要です。',
  'error.siteNotRegistered': 'このサイトは Byline に登録されていません。',
  'error.redirectNotRegistered': 'redirect_uri はこのサイトに登録されていません。',
  'error.unknownClient': '不明なクライアントです。',
  'error.tooManyLogins': 'このアドレスからのログインが多すぎます。しばらくしてからお試しください。',
  'error.tooManyHandleLogins': {
    other: 'お使いのネットワークから開始されたログインが多すぎます。{count} 分後にもう一度お試しください。',
  },
  'error.tooManyStarts':
    'このページから開始されたログインが多すぎます。サイトに戻って、最初からやり直してください。',
  'error.loginExpired': 'このログインは有効期限が切れました。サイトに戻って、最初からやり直してください。',
  'error.loginUsed':
    'このログインは有効期限切れか、すでに使用されています。サイトに戻って、最初からやり直してください。',
  'error.loginElsewhere':
    'このログインは別の場所で開始されました。サイトに戻って、最初からやり直してください。',
  'error.loggedOutSince': 'ログアウトしました。サイトに戻って、最初からやり直してください。',
  'error.formOrigin': 'このフォームは Byline のページからのみ送信できます。',
  'error.formExpired':
    'このフォームは有効期限が切れたか、このブラウザから送信されていません。もう一度お試しください。',
  'error.unknownProvider': 'そのような ID プロバイダーはありません。',
  'error.providerNotOffered': 'このサイトはその ID プロバイダーを提供していません。',
  'error.postedCallback': '{provider} はフォームの送信ではなく、リダイレクトで応答します。',
  'error.stateTooLong': 'パラメーター state が長すぎます。',

  'deletion.title': 'データ削除リクエスト',
  'deletion.heading': 'データ削除のリクエスト',
  'deletion.status': '状態: {status}',
  'deletion.completed': '完了',
  'deletion.what':
    '{date}、{provider} から、あなたがデータの削除を求めたとの連絡が Byline にありました。コメントのためにログインするブログのログインサービスである Byline は、あなたの {provider} アカウントについて保持していたすべてのセッションを終了し、その内容（名前、メールアドレス、画像）を削除しました。',
  'deletion.rest':
    'Byline はそれ以外にあなたの記録を保持していません。投稿したコメントは各ブログが保管しています。削除を希望する場合はブログの運営者にお問い合わせください。',
  'deletion.code': '確認コード: {code}',
  'deletion.unknownCode': 'この確認コードのデータ削除リクエストはありません。',
  'deletion.unknownApp': 'そのような Facebook アプリはありません。',

  'dev.title': '開発用ログイン',
  'dev.heading': '開発用 ID プロバイダー',
  'dev.lead': '開発専用: 任意の名前を入力すると、その人としてログインできます。',
  'dev.name': '名前',
  'dev.email': 'メールアドレス（任意）',
  'dev.submit': 'ログイン',
  'dev.nameMissing': 'ログインする名前を入力してください。',
  'dev.expired': 'この開発用ログインは有効期限が切れました。',

  'landing.lead':
    'ブログのコメント向けソーシャルログインゲートウェイです。読者は WordPress.com、Facebook、任意の OpenID Connect プロバイダー、またはゲストとしてログインし、サイトのコメント機能はコメントした人を示す署名付きトークンを受け取ります。',
  'landing.demo': 'デモのブログ記事を開いて、ログインを試してみましょう。',
  'landing.keys':
    'バックエンドは {jwks} の鍵でトークンを検証します。ディスカバリーは {discovery} にあります。発行者: {issuer}。',
};
