// Every visible string, one dictionary per language. zh-Hans when the phone's language is
// Chinese, English otherwise; the switch in the header is kept in localStorage.
const zh = {
  'app.name': '证据柜 Evidence Locker', 'app.short': '证据柜', 'app.discreet': '笔记 Notes',
  'lang.name': '中文', 'lang.other': 'English', 'lang.switch': 'Switch to English',
  'exit.button': '快速离开', skip: '跳到内容', loading: '正在加载…',
  'nav.label': '主要导航', 'nav.cases': '我的案件', 'nav.contributions': '受邀案件', 'nav.queue': '待发送', 'nav.settings': '设置',
  'error.network': '连不上服务器。请检查网络，稍后再试。', 'error.status': '服务器拒绝了请求（{status}）。',
  'error.unexpected': '出了点问题。请返回重试。',
  'offline.saved_copy': '现在离线：显示的是上次保存的内容。', 'offline.saved_at': '现在离线：显示的是 {time} 保存的内容。',
  'discreet.case': '笔记 {date}', 'discreet.items': '{n} 项', 'zone.beijing': '北京时间',
  'signin.title': '登录', 'signin.lead': '在这里保存催收骚扰的截图、照片、录音和通话记录。每个文件一到服务器就计算哈希并记录时间，原件不会被改动。',
  'signin.username': '用户名', 'signin.password': '密码', 'signin.otp': '验证码（身份验证器 App）', 'signin.otp_hint': '打开身份验证器 App，输入显示的 6 位数字。',
  'signin.submit': '登录', 'signin.working': '正在登录…', 'signin.missing': '请填写用户名和密码。',
  'signin.lawyer': '这是借款人的 App。律师请在网页上登录，查看别人分享给您的材料：',
  'signin.not_borrower': '这个账户不是借款人账户。如果您是受邀的亲友，请使用邀请链接。',
  'signin.no_account': '还没有账户？', 'signin.accounts': '借款人可以在这里自己注册。有些服务器不开放注册：那里的账户由服务的运营者创建，或者通过邀请链接注册。',
  'signin.lawyers': '律师：在这里登录',
  'signup.open': '注册新账户', 'signup.title': '注册账户', 'signup.lead': '只需要用户名和密码，不需要手机号或真实姓名。',
  'signup.username_hint': '3–150 个字符：字母、数字或 . @ + - _。登录时要用，不必用真实姓名。',
  'signup.password_hint': '至少 8 个字符，不能全是数字，也不能是常见密码。', 'signup.password_again': '再输入一次密码',
  'signup.email': '邮箱（可选）', 'signup.email_hint': '只用来在律师打开您分享的材料时通知您。',
  'signup.submit': '注册', 'signup.working': '正在注册…', 'signup.missing': '请填写用户名，并把密码输入两次。',
  'signup.username_bad': '用户名要 3–150 个字符，只能用字母、数字和 . @ + - _（不能有空格）。', 'signup.mismatch': '两次输入的密码不一样。',
  'signup.have_account': '已经有账户了？', 'signup.to_signin': '去登录',
  'signup.closed_note': '有些服务器不开放注册。如果这里注册不了，请服务的运营者为您创建账户，或者使用收到的邀请链接。',
  'cases.title': '我的案件', 'cases.none': '还没有案件。先建一个案件，再添加证据。', 'cases.new': '新建案件',
  'cases.items': '{n} 份证据',
  'cases.offline_create': '现在离线。联网后才能新建案件。', 'cases.none_offline': '这台手机上还没有保存案件列表。联网后再打开这里。',
  'case.title_field': '案件名称', 'case.title_hint': '例如：“某某贷 催收”。只有您自己看得到。', 'case.title_missing': '请填写案件名称。',
  'case.jurisdiction': '所在地区', 'case.lender': '放贷机构', 'case.app': '借款 App', 'case.agency': '催收公司',
  'case.create': '建立案件', 'case.unavailable': '打不开这个案件', 'case.back': '返回案件', 'case.actions': '案件操作',
  'case.action.upload': '添加截图、照片、录音', 'case.action.record': '手动记录通话或短信', 'case.action.import': '导入手机通话和短信记录',
  'case.action.numbers': '号码和标记', 'case.action.findings': '违规情况和图表', 'case.action.bundles': '报告、分享、投诉',
  'case.action.invite': '邀请亲友补充证据',
  'timeline.title': '时间线', 'timeline.kind': '类型', 'timeline.all': '全部', 'timeline.number': '号码', 'timeline.apply': '筛选',
  'timeline.count': '共 {n} 条，最新的在前', 'timeline.older': '更早的记录', 'timeline.empty': '还没有记录。',
  'describe.link': '填写证明目的和内容摘要', 'describe.title': '说明这份证据', 'describe.save': '保存',
  'describe.lead': '这两项会印在报告的证据目录中。不填时，报告按文件类型写一句稳妥的默认说明。',
  'describe.purpose': '证明目的', 'describe.purpose_hint': '这份证据证明什么，例如：证明催收方在夜间发送威胁短信。',
  'describe.summary': '内容摘要', 'describe.summary_hint': '文件里有什么，例如：短信截图，显示号码、时间和全文。', 'describe.saved': '已保存。',
  'search.label': '在本案中搜索', 'search.placeholder': '搜索短信、截图文字、备注…', 'search.go': '搜索', 'search.title': '搜索',
  'search.hint': '输入要找的字词，例如“法院”“家人”“通讯录”。', 'search.count': '“{q}”：找到 {n} 处', 'search.none': '没有找到“{q}”。',
  'search.more': '更多结果', 'search.open': '打开这份证据', 'search.in_picture': '图中文字',
  'search.machine_read': '机器识读的文字，可能有错字', 'search.in_file': '文件的{field}',
  'search.field.original_name': '文件名', 'search.field.note': '备注', 'search.field.summary': '内容摘要', 'search.field.purpose': '证明目的',
  'twins.lead': '这张图片与下面的证据内容相同：', 'twins.picture': '画面相同', 'twins.text': '文字相同（可能是裁剪）',
  'twins.received': '收到于 {at}', 'twins.unnamed': '未命名的图片', 'twins.kept': '两份都保留，各有自己的哈希值，不会合并；报告的证据目录会注明。',
  'text.title': '图中文字', 'text.pending': '正在识别图中的文字…', 'text.none': '这张图片的文字没有识别出来。', 'text.empty': '图中没有识别到文字。',
  'text.machine_read': '以下文字由程序从图片中识别（机器识读），可能有错字。请对照图片：对的点“对”，错的点“不对”——点了“不对”的句子不会用来认定违规。',
  'text.chat_with': '聊天对象：{title}', 'text.theirs': '对方', 'text.mine': '我', 'text.engine': '识别程序：{engine}',
  'text.confirm': '对', 'text.dismiss': '不对', 'text.undo': '撤销', 'text.confirmed': '已确认', 'text.dismissed': '已排除',
  'text.picture_alt': '图片：{name}',
  'text.page': '第 {n} 页', 'text.pdf_has_text': '这份 PDF 的文字本来就在文件里（不是扫描件），无需识别。',
  'timeline.duration': '{s} 秒', 'timeline.recording': '通话录音', 'timeline.play_recording': '播放录音',
  'upload.title': '添加证据', 'upload.lead': '可以一次选多个文件。文件先保存在手机上，再发送到服务器；没有网络时会自动等待。',
  'upload.camera': '拍照或录像', 'upload.gallery': '从相册或文件中选择', 'upload.options': '类型和备注（可选）',
  'upload.kind': '类型', 'upload.kind_auto': '自动识别', 'upload.kind_hint': '一般不用选，服务器会根据文件内容判断。',
  'upload.note': '备注', 'upload.note_hint': '例如：“催收员威胁要打给我单位”。',
  'upload.list': '正在添加的文件', 'upload.preparing': '正在计算哈希…', 'upload.waiting': '等待发送', 'upload.waiting_offline': '等待发送（离线，联网后自动发送）',
  'upload.sending': '正在发送…', 'upload.saved': '已保存 ✓', 'upload.already': '已保存过（同一个文件）✓', 'upload.in_case': '案件里已经有这个文件 ✓', 'upload.refused': '服务器不接受',
  'upload.signin_again': '请重新登录后发送', 'upload.no_hash': '（这个浏览器要在 HTTPS 网址下才能在手机上计算哈希，这次由服务器计算）',
  'upload.too_big_to_hash': '（文件超过 256 MB，手机不计算哈希，由服务器计算）', 'upload.hash_failed': '（手机没能计算哈希，由服务器计算）',
  'upload.progress_of': '{name} 的发送进度', 'upload.offline': '现在离线。选中的文件会保存在手机上，联网后自动发送。',
  'upload.promise': '服务器收到后会记下 SHA-256 哈希和接收时间，原件原样保存。',
  'record.title': '手动记录', 'record.lead': '导出文件里没有的通话和信息（微信语音、上门、信件），可以在这里记下来。',
  'record.call': '一次通话', 'record.message': '短信或信息', 'record.number': '对方号码', 'record.direction': '方向',
  'record.call_channel': '方式', 'record.msg_channel': '渠道', 'record.when': '时间', 'record.zone': '按案件所在时区（{zone}）的当地时间。',
  'record.minutes': '通话时长（分钟）', 'record.note': '备注', 'record.address': '对方号码或名字', 'record.address_hint': '短信填号码，微信填昵称。',
  'record.body': '内容（原文照抄）', 'record.save_call': '保存通话', 'record.save_message': '保存信息', 'record.saved': '已保存。',
  'record.missing': '请把必填项填完整。',
  'import.title': '导入手机记录', 'import.lead': '从手机导出的通话记录和短信可以整份导入，每一条都会进入时间线。支持：',
  'import.f1': 'SMS Backup & Restore 导出的 sms.xml 和 calls.xml', 'import.f2': '任何通话记录或短信的 CSV 表格（列名不认识时，请您告诉我们每一列是什么）',
  'import.f3': '微信聊天记录导出（文本或网页）', 'import.f4': '导出文件本身也作为原件保存。',
  'map.title': '告诉我们每一列是什么', 'map.lead': '这个表格的列名我们不认识。请为每一项选一列，看看下面的前几行帮您判断。确认后才会导入。',
  'map.lead_saved': '这个表格的列和您上次确认过的一样，已按上次的选择填好。请确认。',
  'map.sample': '文件的前几行', 'map.none': '（没有这一列）',
  'map.field.time': '时间', 'map.field.number': '对方号码', 'map.field.direction': '方向（来电/去电/未接…）',
  'map.field.duration_s': '通话时长', 'map.field.name': '联系人', 'map.field.body': '短信内容', 'map.field.kind': '类型（电话/短信）',
  'map.default_kind': '这份文件里是', 'map.kind.auto': '按每一行判断', 'map.kind.call': '通话记录', 'map.kind.sms': '短信',
  'map.kind.wechat': '微信消息', 'map.kind.other': '其他消息',
  'map.words': '“{column}”这一列里的词分别是什么意思？', 'map.word_skip': '（跳过这些行）',
  'map.dir.in': '呼入 / 收到', 'map.dir.out': '呼出 / 发出', 'map.dir.missed': '未接', 'map.dir.rejected': '拒接',
  'map.dir.blocked': '被拦截', 'map.dir.voicemail': '语音信箱',
  'map.remember': '以后同样列名的文件按这次的选择', 'map.confirm': '确认并导入', 'map.missing': '还需要选择：{fields}',
  'import.choose': '选择导出文件', 'import.progress': '导入进度', 'import.earlier': '以前的导入',
  'import.counts': '通话 {calls} · 信息 {messages} · 附件 {attachments} · 重复 {duplicates} · 跳过 {skipped}',
  'numbers.title': '号码和标记', 'numbers.lead': '标出哪些号码是催收、哪些是亲友，报告和违规判断会用到。', 'numbers.none': '还没有号码。导入通话记录后这里会列出。',
  'numbers.counts': '来电 {calls_in} · 去电 {calls_out} · 收到信息 {messages_in} · 发出信息 {messages_out}',
  'numbers.counts_hint': '来电是对方打来的电话，包括未接、拒接和被拦截的；去电是您打出的电话。', 'numbers.role_for': '{number} 是谁', 'numbers.no_label': '（未标记）',
  'numbers.name': '名字（可选）', 'numbers.save': '保存标记', 'numbers.saved': '已保存。', 'numbers.pick_role': '请选择一个标记。',
  'findings.title': '违规情况和图表', 'findings.list': '可能违反的规定', 'findings.none': '目前没有发现违规。证据越多，判断越准确。',
  'findings.count': '{n} 次', 'findings.about': '关于这些规定',
  'findings.open': '查看这 {n} 条记录', 'findings.per_day': '每天的次数', 'findings.on_day': '{day} {n} 次',
  'findings.gone': '这项违规已不再成立（证据有变化）',
  'charts.title': '数字', 'charts.calls': '次通话（来电和去电）', 'charts.messages': '条信息（收到和发出）',
  'charts.contacts': '次催收方联系（来电和信息）', 'charts.night': '次催收方在夜间联系（{from}–{to}）',
  'charts.per_day': '催收方每天联系的次数（来电和信息）', 'charts.by_hour': '催收方在一天中什么时候联系（按小时，当地时间）',
  'charts.no_collectors': '还没有号码标记为催收方，所以下面的图表还是空的。请在“号码和标记”里标出催收号码。',
  'charts.days': '共 {n} 天：{from} 至 {to}', 'charts.days_scroll': '共 {n} 天：{from} 至 {to}。图表可以左右滑动，最右边是最近的日子。',
  'charts.top': '打来电话、发来信息最多的号码', 'charts.top_counts': '来电 {calls} · 收到信息 {messages}', 'charts.inferred': '疑似催收',
  'bundles.title': '报告、分享、投诉', 'bundles.lead': '把证据整理成带签名的报告（PDF）和投诉材料包（ZIP），可以交给律师或监管部门。',
  'bundles.new': '生成新的报告', 'bundles.purpose': '用途', 'bundles.authority': '投诉机构', 'bundles.language': '报告语言',
  'bundles.name': '您的姓名（可选）', 'bundles.name_hint': '写进报告，方便机构联系您。', 'bundles.build': '生成',
  'bundles.earlier': '已生成的报告', 'bundles.none': '还没有。',
  'bundle.title': '报告和材料包', 'bundle.progress': '生成进度', 'bundle.failed': '生成失败。', 'bundle.files': '下载',
  'bundle.report': '下载报告（PDF）', 'bundle.packet': '下载投诉材料包（ZIP）', 'bundle.downloading': '正在下载…', 'bundle.downloaded': '已下载：{name}',
  'bundle.set_hash': '证据集 SHA-256', 'bundle.report_hash': '报告 SHA-256', 'bundle.packet_hash': '材料包 SHA-256',
  'share.title': '分享给律师', 'share.lead': '律师只能查看，不能修改；到期或撤销后立即失效。每次查看都会记录。',
  'share.lawyer': '律师的用户名或邮箱', 'share.lawyer_hint': '律师还没有账户时填邮箱，会生成一个邀请链接。', 'share.until': '有效期至',
  'share.download': '允许下载材料包', 'share.notify': '律师第一次打开时通知我', 'share.notify_no_email': '您的账户没有邮箱，所以无法通知您。', 'share.submit': '分享', 'share.done': '已分享。',
  'share.missing': '请填写律师和有效期。', 'share.invite_link': '邀请链接（发给律师）', 'share.none': '还没有分享。',
  'share.until_short': '有效期至', 'share.accesses': '查看 {n} 次', 'share.log': '查看记录', 'share.no_access': '还没有人打开过。',
  'share.revoke': '撤销', 'share.revoke_confirm': '撤销后律师马上就看不到了。确定吗？', 'share.revoke_yes': '确定撤销',
  'submit.title': '投诉记录', 'submit.lead': '记下您把材料交给了哪个机构、什么时候、回执编号。', 'submit.authority': '机构',
  'submit.channel': '提交方式', 'submit.reference': '回执编号或查询码', 'submit.reference_hint': '没有可以不填。', 'submit.note': '备注',
  'submit.save': '保存投诉记录', 'submit.saved': '已保存。',
  'submit.history': '进展', 'submit.receipt': '回执', 'submit.add_step': '记下新进展', 'submit.step_status': '进展',
  'submit.step_at': '时间', 'submit.step_at_hint': '按案件时区（{zone}）；不填就是现在。', 'submit.step_note': '备注',
  'submit.step_receipt': '回执或答复（照片或 PDF，可选）', 'submit.step_receipt_hint': '例如受案回执。会作为证据保存到案件里。',
  'submit.step_save': '保存进展',
  'contrib.title': '我可以补充的案件', 'contrib.lead': '借款人邀请您把催收人员联系您的证据（截图、录音、照片）加到他们的案件里。',
  'contrib.none': '现在没有可以补充的案件。邀请可能已过期或被撤回。', 'contrib.invited_by': '{who} 邀请您（{name}，{relation}）',
  'contrib.until': '可以补充到 {date}', 'contrib.add': '补充证据', 'contrib.unavailable': '打不开这个邀请',
  'contrib.upload_lead': '您选的文件会加到 {who} 的案件里。可以一次选多个文件；没有网络时会保存在手机上，联网后自动发送。',
  'contrib.mine': '我加的文件', 'contrib.mine_hint': '这里只显示您自己加的文件，看不到案件里的其他证据。',
  'contrib.nothing_yet': '您还没有加文件。', 'contrib.received': '收到于',
  'invite.title': '邀请亲友', 'invite.lead': '催收方也联系了您的家人、领导、同事？邀请他们把自己收到的截图和录音加进这个案件。他们看不到您的其他证据。',
  'invite.name': '称呼', 'invite.name_hint': '例如：“母亲”。', 'invite.relation': '关系', 'invite.email': '邮箱（可选）',
  'invite.email_hint': '填了会发邮件；不填就把链接自己发给对方。', 'invite.submit': '生成邀请链接', 'invite.done': '已生成邀请链接，请复制后发给对方。',
  'invite.sent': '邀请已发到对方邮箱，也可以复制链接。', 'invite.link': '邀请链接', 'invite.list': '已邀请', 'invite.items': '添加了 {n} 份',
  'invite.withdraw': '撤回邀请', 'invite.missing': '请填写称呼和有效期。',
  copy: '复制链接', copied: '已复制。', copy_by_hand: '请长按链接手动复制。',
  'queue.title': '待发送', 'queue.lead': '还没发到服务器的文件保存在这台手机上，联网后按顺序自动发送。关掉 App 也不会丢。',
  'queue.waiting': '{n} 个文件等待发送', 'queue.offline': '离线', 'queue.refused': '{n} 个文件被服务器拒绝', 'queue.refused_title': '服务器不接受的文件',
  'queue.empty': '所有文件都已发送。', 'queue.chosen': '选择于', 'queue.no_case': '还没选案件', 'queue.remove': '删除',
  'queue.send_now': '现在发送', 'queue.dismiss': '知道了',
  'shared.title': '分享来的文件', 'shared.all_sent': '分享来的文件都已发送。', 'shared.which_case': '这 {n} 个文件要放进哪个案件？',
  'shared.case': '案件', 'shared.send': '放进这个案件并发送',
  'settings.title': '设置', 'settings.language': '语言', 'settings.language_now': '现在的语言：{name}', 'settings.language_switch': '改成 {name}',
  'settings.safety': '安全', 'settings.discreet': '隐蔽模式', 'settings.discreet_hint': '打开后，页面标题、图标和顶部都显示为“笔记 Notes”，“快速离开”按钮显示为“关闭”，案件只显示为“笔记”和建立的日期。（已安装到桌面的图标和名字不会改变。）',
  'settings.exit_hint': '任何时候按右上角“快速离开”（隐蔽模式下叫“关闭”），屏幕马上清空并跳到一个普通的笔记页面，按返回也回不到这里。',
  'settings.account': '账户', 'settings.signout': '退出登录', 'settings.signout_warning': '还有 {n} 个文件没有发送。退出登录会把它们从手机上删除。',
  'settings.signout_anyway': '删除并退出', 'settings.keep': '先不退出',
  'settings.verify': '核验证据包', 'settings.verify_hint': '律师或受理机构收到证据包后，可以比对下面的指纹，确认证据包由本服务器签名且未被改动；不需要账号。',
  'settings.fingerprint': '本服务器签名根证书的 SHA-256 指纹：', 'settings.fingerprint_loading': '正在读取…', 'settings.fingerprint_none': '本服务器没有公布根证书。',
  'settings.fingerprint_offline': '没有网络，暂时读不到指纹。', 'settings.verify_link': '打开核验页面（/verify/）',
};

const en = {
  'app.name': '证据柜 Evidence Locker', 'app.short': 'Evidence Locker', 'app.discreet': '笔记 Notes',
  'lang.name': 'English', 'lang.other': '中文', 'lang.switch': '切换到中文',
  'exit.button': 'Quick exit', skip: 'Skip to content', loading: 'Loading…',
  'nav.label': 'Main', 'nav.cases': 'My cases', 'nav.contributions': 'Invitations', 'nav.queue': 'Waiting', 'nav.settings': 'Settings',
  'error.network': 'Cannot reach the server. Check the network and try again.', 'error.status': 'The server refused the request ({status}).',
  'error.unexpected': 'Something went wrong. Go back and try again.',
  'offline.saved_copy': 'Offline: showing the copy saved last time.', 'offline.saved_at': 'Offline: showing the copy saved at {time}.',
  'discreet.case': 'Note {date}', 'discreet.items': { one: '{n} item', other: '{n} items' }, 'zone.beijing': 'Beijing time',
  'signin.title': 'Sign in', 'signin.lead': 'Keep screenshots, photos, recordings and call logs of debt-collection harassment. Every file is hashed and dated the moment it arrives, and the original is never changed.',
  'signin.username': 'User name', 'signin.password': 'Password', 'signin.otp': 'Code from your authenticator app', 'signin.otp_hint': 'Open the authenticator app and type the 6 digits it shows.',
  'signin.submit': 'Sign in', 'signin.working': 'Signing in…', 'signin.missing': 'Please enter your user name and password.',
  'signin.lawyer': 'This app is for borrowers. Lawyers sign in on the web to see what was shared with them:',
  'signin.not_borrower': 'This is not a borrower account. If you were invited by a relative, use your invitation link.',
  'signin.no_account': 'No account yet?', 'signin.accounts': 'Borrowers can create their own account here. Some servers do not take new accounts: there, accounts are created by the people who run the service, or through an invitation link.',
  'signin.lawyers': 'Lawyers: sign in here',
  'signup.open': 'Create an account', 'signup.title': 'Create an account', 'signup.lead': 'All it takes is a user name and a password: no phone number, no real name.',
  'signup.username_hint': '3 to 150 letters, digits or . @ + - _. You sign in with it; it need not be your real name.',
  'signup.password_hint': 'At least 8 characters, not only digits, and not a common password.', 'signup.password_again': 'Password again',
  'signup.email': 'E-mail (optional)', 'signup.email_hint': 'Only used to tell you when a lawyer opens what you shared.',
  'signup.submit': 'Create the account', 'signup.working': 'Creating the account…', 'signup.missing': 'Please enter a user name and the password twice.',
  'signup.username_bad': 'A user name is 3 to 150 letters, digits or . @ + - _ (no spaces).', 'signup.mismatch': 'The two passwords are not the same.',
  'signup.have_account': 'Already have an account?', 'signup.to_signin': 'Sign in',
  'signup.closed_note': 'Some servers do not take new accounts. If signing up does not work here, ask the people who run the service for an account, or use an invitation link you received.',
  'cases.title': 'My cases', 'cases.none': 'No cases yet. Open a case first, then add evidence to it.', 'cases.new': 'New case',
  'cases.items': { one: '{n} item of evidence', other: '{n} items of evidence' },
  'cases.offline_create': 'You are offline. A new case can be opened once the network is back.', 'cases.none_offline': 'This phone has no saved list of your cases yet. Open this screen again when the network is back.',
  'case.title_field': 'Case name', 'case.title_hint': 'For example "QuickLoan collectors". Only you see it.', 'case.title_missing': 'Please give the case a name.',
  'case.jurisdiction': 'Where you live', 'case.lender': 'Lender', 'case.app': 'Loan app', 'case.agency': 'Collection agency',
  'case.create': 'Open the case', 'case.unavailable': 'This case cannot be opened', 'case.back': 'Back to the case', 'case.actions': 'Case actions',
  'case.action.upload': 'Add screenshots, photos, recordings', 'case.action.record': 'Type in a call or message', 'case.action.import': 'Import the phone’s call log and messages',
  'case.action.numbers': 'Numbers and labels', 'case.action.findings': 'Findings and charts', 'case.action.bundles': 'Reports, sharing, complaints',
  'case.action.invite': 'Invite a relative to add evidence',
  'timeline.title': 'Timeline', 'timeline.kind': 'Type', 'timeline.all': 'All', 'timeline.number': 'Number', 'timeline.apply': 'Filter',
  'timeline.count': { one: '{n} entry, newest first', other: '{n} entries, newest first' }, 'timeline.older': 'Older entries', 'timeline.empty': 'Nothing here yet.',
  'describe.link': 'Say what it proves', 'describe.title': 'Describe this file', 'describe.save': 'Save',
  'describe.lead': "Both go into the report's exhibit list. Left empty, the report writes a careful default for this kind of file.",
  'describe.purpose': 'What it proves (证明目的)', 'describe.purpose_hint': 'For example: shows the collector sent a threat at night.',
  'describe.summary': 'Content summary (内容摘要)', 'describe.summary_hint': 'For example: SMS screenshot showing the number, time and full text.', 'describe.saved': 'Saved.',
  'search.label': 'Search this case', 'search.placeholder': 'Search messages, text in screenshots, notes…', 'search.go': 'Search', 'search.title': 'Search',
  'search.hint': 'Type a word to look for, such as "court", "family" or 通讯录.', 'search.count': '“{q}”: found in {n} places', 'search.none': 'Nothing found for “{q}”.',
  'search.more': 'More results', 'search.open': 'Open this evidence', 'search.in_picture': 'Text in a picture',
  'search.machine_read': 'Machine-read text: it may contain mistakes', 'search.in_file': 'The file’s {field}',
  'search.field.original_name': 'name', 'search.field.note': 'note', 'search.field.summary': 'content summary', 'search.field.purpose': 'purpose',
  'twins.lead': 'This picture has the same content as:', 'twins.picture': 'the same picture', 'twins.text': 'the same messages (perhaps a crop)',
  'twins.received': 'received {at}', 'twins.unnamed': 'an unnamed picture', 'twins.kept': 'Both are kept, each with its own hash, never merged; the report’s exhibit list says so.',
  'text.title': 'Text in the picture', 'text.pending': 'Reading the text in the picture…', 'text.none': 'The text of this picture could not be read.', 'text.empty': 'No text was found in the picture.',
  'text.machine_read': 'This text was read from the picture by a program (machine-read) and may contain mistakes. Compare it with the picture: tap "Right" if it is right, "Wrong" if not — a line marked wrong is not used for any finding.',
  'text.chat_with': 'Chat with: {title}', 'text.theirs': 'Them', 'text.mine': 'Me', 'text.engine': 'Read by: {engine}',
  'text.confirm': 'Right', 'text.dismiss': 'Wrong', 'text.undo': 'Undo', 'text.confirmed': 'Confirmed', 'text.dismissed': 'Left out',
  'text.picture_alt': 'Picture: {name}',
  'text.page': 'Page {n}', 'text.pdf_has_text': 'The text of this PDF is in the file itself (it is not a scan): nothing to read.',
  'timeline.duration': '{s} s', 'timeline.recording': 'Call recording', 'timeline.play_recording': 'Play the recording',
  'upload.title': 'Add evidence', 'upload.lead': 'Pick as many files as you like. They are kept on this phone first, then sent; without a network they wait and go later by themselves.',
  'upload.camera': 'Take a photo or video', 'upload.gallery': 'Choose from gallery or files', 'upload.options': 'Type and note (optional)',
  'upload.kind': 'Type', 'upload.kind_auto': 'Detect automatically', 'upload.kind_hint': 'Usually not needed: the server reads the type from the file.',
  'upload.note': 'Note', 'upload.note_hint': 'For example "the collector threatened to call my employer".',
  'upload.list': 'Files being added', 'upload.preparing': 'Computing the hash…', 'upload.waiting': 'Waiting to be sent', 'upload.waiting_offline': 'Waiting to be sent (offline; goes as soon as the network is back)',
  'upload.sending': 'Sending…', 'upload.saved': 'Saved ✓', 'upload.already': 'Already saved (same file) ✓', 'upload.in_case': 'Already in the case ✓', 'upload.refused': 'Not accepted',
  'upload.signin_again': 'Sign in again to send it', 'upload.no_hash': '(this browser hashes files on the phone only at an HTTPS address; the server does it this time)',
  'upload.too_big_to_hash': '(larger than 256 MB: the phone does not hash it; the server does)', 'upload.hash_failed': '(the phone could not hash it; the server does)',
  'upload.progress_of': 'Sending {name}', 'upload.offline': 'You are offline. Chosen files are kept on this phone and sent when the network is back.',
  'upload.promise': 'The server records each file’s SHA-256 and the time it arrived, and keeps the original unchanged.',
  'record.title': 'Type it in', 'record.lead': 'Calls and messages that no export holds (a WeChat voice call, a visit, a letter) can be written down here.',
  'record.call': 'A call', 'record.message': 'A message', 'record.number': 'Their number', 'record.direction': 'Direction',
  'record.call_channel': 'How', 'record.msg_channel': 'Channel', 'record.when': 'When', 'record.zone': 'Local time in the case’s time zone ({zone}).',
  'record.minutes': 'Length of the call (minutes)', 'record.note': 'Note', 'record.address': 'Their number or name', 'record.address_hint': 'A number for SMS, a nickname for WeChat.',
  'record.body': 'What it said (word for word)', 'record.save_call': 'Save the call', 'record.save_message': 'Save the message', 'record.saved': 'Saved.',
  'record.missing': 'Please fill in every required field.',
  'import.title': 'Import phone records', 'import.lead': 'A whole call log or message export from the phone goes into the timeline, entry by entry. Read:',
  'import.f1': 'sms.xml and calls.xml from SMS Backup & Restore', 'import.f2': 'any call-log or message CSV table (if we do not know its columns, you tell us which is which)',
  'import.f3': 'WeChat chat exports (text or web page)', 'import.f4': 'The export itself is kept as an original too.',
  'map.title': 'Tell us what each column is', 'map.lead': 'We do not know this table’s columns. Pick a column for each item; the first rows below help. Nothing is imported until you confirm.',
  'map.lead_saved': 'This table has the same columns as one you mapped before; your choices are filled in. Please confirm.',
  'map.sample': 'The first rows of the file', 'map.none': '(no such column)',
  'map.field.time': 'Time', 'map.field.number': 'Their number', 'map.field.direction': 'Direction (incoming, outgoing, missed…)',
  'map.field.duration_s': 'Call duration', 'map.field.name': 'Contact name', 'map.field.body': 'Message text', 'map.field.kind': 'Kind (call or message)',
  'map.default_kind': 'This file holds', 'map.kind.auto': 'decide row by row', 'map.kind.call': 'calls', 'map.kind.sms': 'text messages',
  'map.kind.wechat': 'WeChat messages', 'map.kind.other': 'other messages',
  'map.words': 'What do the words in “{column}” mean?', 'map.word_skip': '(skip these rows)',
  'map.dir.in': 'incoming / received', 'map.dir.out': 'outgoing / sent', 'map.dir.missed': 'missed', 'map.dir.rejected': 'rejected',
  'map.dir.blocked': 'blocked', 'map.dir.voicemail': 'voicemail',
  'map.remember': 'Use these choices for files with the same columns', 'map.confirm': 'Confirm and import', 'map.missing': 'Still to choose: {fields}',
  'import.choose': 'Choose the export file', 'import.progress': 'Import progress', 'import.earlier': 'Earlier imports',
  'import.counts': 'calls {calls} · messages {messages} · attachments {attachments} · duplicates {duplicates} · skipped {skipped}',
  'numbers.title': 'Numbers and labels', 'numbers.lead': 'Mark which numbers are collectors and which are family: the report and the findings use it.', 'numbers.none': 'No numbers yet. Import a call log and they appear here.',
  'numbers.counts': 'incoming calls {calls_in} · outgoing calls {calls_out} · messages received {messages_in} · sent {messages_out}',
  'numbers.counts_hint': 'Incoming calls are the ones the other side made, missed, rejected and blocked ones included; outgoing calls are the ones you made.', 'numbers.role_for': 'Who is {number}', 'numbers.no_label': '(no label)',
  'numbers.name': 'Name (optional)', 'numbers.save': 'Save the label', 'numbers.saved': 'Saved.', 'numbers.pick_role': 'Please choose a label.',
  'findings.title': 'Findings and charts', 'findings.list': 'Rules that may have been broken', 'findings.none': 'Nothing found yet. More evidence gives a better picture.',
  'findings.count': { one: '{n} time', other: '{n} times' }, 'findings.about': 'About these rules',
  'findings.open': { one: 'See this record', other: 'See these {n} records' }, 'findings.per_day': 'Per day',
  'findings.on_day': '{day}: {n}', 'findings.gone': 'This finding no longer holds (the evidence changed)',
  'charts.title': 'Numbers', 'charts.calls': 'calls (incoming and outgoing)', 'charts.messages': 'messages (received and sent)',
  'charts.contacts': 'contacts from collectors (calls and messages)', 'charts.night': 'contacts from collectors at night ({from}–{to})',
  'charts.per_day': 'Contacts from collectors per day (calls and messages)', 'charts.by_hour': 'When collectors got in touch (hour of the day, local time)',
  'charts.no_collectors': 'No number is marked as a collector yet, so the charts below are empty. Mark the collectors’ numbers under "Numbers and labels".',
  'charts.days': '{n} days: {from} to {to}', 'charts.days_scroll': '{n} days: {from} to {to}. Scroll the chart sideways; the latest days are on the right.',
  'charts.top': 'Numbers that called or wrote to you most', 'charts.top_counts': 'incoming calls {calls} · messages received {messages}', 'charts.inferred': 'probably a collector',
  'bundles.title': 'Reports, sharing, complaints', 'bundles.lead': 'Turn the evidence into a signed report (PDF) and a complaint packet (ZIP) for a lawyer or an authority.',
  'bundles.new': 'Make a new report', 'bundles.purpose': 'For', 'bundles.authority': 'Authority', 'bundles.language': 'Language of the report',
  'bundles.name': 'Your name (optional)', 'bundles.name_hint': 'Printed in the report, so an authority can reach you.', 'bundles.build': 'Make it',
  'bundles.earlier': 'Reports made', 'bundles.none': 'None yet.',
  'bundle.title': 'Report and packet', 'bundle.progress': 'Progress', 'bundle.failed': 'It could not be made.', 'bundle.files': 'Download',
  'bundle.report': 'Download the report (PDF)', 'bundle.packet': 'Download the complaint packet (ZIP)', 'bundle.downloading': 'Downloading…', 'bundle.downloaded': 'Downloaded: {name}',
  'bundle.set_hash': 'Evidence set SHA-256', 'bundle.report_hash': 'Report SHA-256', 'bundle.packet_hash': 'Packet SHA-256',
  'share.title': 'Share with a lawyer', 'share.lead': 'The lawyer can read but not change anything; it stops at the end date or when you revoke it. Every access is logged.',
  'share.lawyer': 'Lawyer’s user name or e-mail', 'share.lawyer_hint': 'Without an account, give an e-mail: you get an invitation link.', 'share.until': 'Valid until',
  'share.download': 'Allow downloading the packet', 'share.notify': 'Tell me when the lawyer first opens it', 'share.notify_no_email': 'Your account has no e-mail address, so no notice can reach you.', 'share.submit': 'Share', 'share.done': 'Shared.',
  'share.missing': 'Please give the lawyer and the end date.', 'share.invite_link': 'Invitation link (send it to the lawyer)', 'share.none': 'Not shared yet.',
  'share.until_short': 'until', 'share.accesses': { one: 'opened {n} time', other: 'opened {n} times' }, 'share.log': 'Access log', 'share.no_access': 'Nobody has opened it yet.',
  'share.revoke': 'Revoke', 'share.revoke_confirm': 'The lawyer loses access at once. Are you sure?', 'share.revoke_yes': 'Yes, revoke',
  'submit.title': 'Complaints made', 'submit.lead': 'Note which authority you gave it to, when, and the reference they gave you.', 'submit.authority': 'Authority',
  'submit.channel': 'How', 'submit.reference': 'Reference or receipt number', 'submit.reference_hint': 'Leave empty if you have none.', 'submit.note': 'Note',
  'submit.save': 'Save the complaint', 'submit.saved': 'Saved.',
  'submit.history': 'What happened since', 'submit.receipt': 'Receipt', 'submit.add_step': 'Add what happened next', 'submit.step_status': 'Step',
  'submit.step_at': 'When', 'submit.step_at_hint': 'In the case’s time zone ({zone}); leave empty for now.', 'submit.step_note': 'Note',
  'submit.step_receipt': 'Receipt or answer (photo or PDF, optional)', 'submit.step_receipt_hint': 'The acknowledgement of receipt, say. It is kept in the case as evidence.',
  'submit.step_save': 'Save the step',
  'contrib.title': 'Cases I can add to', 'contrib.lead': 'A borrower asked you to add what the collectors sent or said to you (screenshots, recordings, photos) to their case.',
  'contrib.none': 'There is no case you can add to now. The invitation may have expired or been withdrawn.', 'contrib.invited_by': 'Invited by {who} (you: {name}, {relation})',
  'contrib.until': 'You can add files until {date}', 'contrib.add': 'Add evidence', 'contrib.unavailable': 'This invitation cannot be opened',
  'contrib.upload_lead': 'The files you pick go into {who}’s case. Pick as many as you like; without a network they wait on this phone and go later by themselves.',
  'contrib.mine': 'Files I added', 'contrib.mine_hint': 'Only the files you added are shown here, never the rest of the case.',
  'contrib.nothing_yet': 'You have not added a file yet.', 'contrib.received': 'received',
  'invite.title': 'Invite a relative', 'invite.lead': 'Did the collectors also contact your family, boss or colleagues? Invite them to add the screenshots and recordings they received. They never see your other evidence.',
  'invite.name': 'Name', 'invite.name_hint': 'For example "Mum".', 'invite.relation': 'Relation', 'invite.email': 'E-mail (optional)',
  'invite.email_hint': 'With an address we send it; without one, pass the link on yourself.', 'invite.submit': 'Make an invitation link', 'invite.done': 'The link is ready: copy it and send it to them.',
  'invite.sent': 'The invitation was e-mailed; you can also copy the link.', 'invite.link': 'Invitation link', 'invite.list': 'Invited', 'invite.items': { one: '{n} item added', other: '{n} items added' },
  'invite.withdraw': 'Withdraw', 'invite.missing': 'Please give a name and an end date.',
  copy: 'Copy the link', copied: 'Copied.', copy_by_hand: 'Press and hold the link to copy it.',
  'queue.title': 'Waiting to be sent', 'queue.lead': 'Files not yet on the server are kept on this phone and sent in order when the network is back, even if the app was closed.',
  'queue.waiting': { one: '{n} file waiting to be sent', other: '{n} files waiting to be sent' }, 'queue.offline': 'offline',
  'queue.refused': { one: '{n} file refused by the server', other: '{n} files refused by the server' }, 'queue.refused_title': 'Files the server did not accept',
  'queue.empty': 'Every file has been sent.', 'queue.chosen': 'chosen', 'queue.no_case': 'no case chosen yet', 'queue.remove': 'Remove',
  'queue.send_now': 'Send now', 'queue.dismiss': 'OK',
  'shared.title': 'Shared files', 'shared.all_sent': 'The shared files have been sent.', 'shared.which_case': { one: 'Which case does this file belong to?', other: 'Which case do these {n} files belong to?' },
  'shared.case': 'Case', 'shared.send': 'Put them in this case and send',
  'settings.title': 'Settings', 'settings.language': 'Language', 'settings.language_now': 'Language now: {name}', 'settings.language_switch': 'Switch to {name}',
  'settings.safety': 'Safety', 'settings.discreet': 'Discreet mode', 'settings.discreet_hint': 'The page title, the icon and the top bar read "笔记 Notes", the quick exit button reads "Close", and cases show only as "Note" and the day they were opened. (The name and icon on the home screen do not change.)',
  'settings.exit_hint': 'Press "Quick exit" ("Close" in discreet mode) at the top at any time: the screen clears at once and a plain notes page opens; "back" does not return here.',
  'settings.account': 'Account', 'settings.signout': 'Sign out', 'settings.signout_warning': { one: '{n} file has not been sent yet. Signing out deletes it from this phone.', other: '{n} files have not been sent yet. Signing out deletes them from this phone.' },
  'settings.signout_anyway': 'Delete and sign out', 'settings.keep': 'Do not sign out',
  'settings.verify': 'Checking a packet', 'settings.verify_hint': 'A lawyer or an authority who receives your packet can compare the fingerprint below to know that this server signed it and nothing in it changed. No account is needed.',
  'settings.fingerprint': 'SHA-256 fingerprint of this server\'s signing root certificate:', 'settings.fingerprint_loading': 'Loading…', 'settings.fingerprint_none': 'This server publishes no root certificate.',
  'settings.fingerprint_offline': 'No network: the fingerprint cannot be read now.', 'settings.verify_link': 'Open the check page (/verify/)',
};

// Discreet mode (Settings): the words that would tell an onlooker what the app is for.
const discreetWords = {
  zh: {
    'exit.button': '关闭', 'nav.cases': '笔记', 'nav.contributions': '笔记', 'cases.title': '笔记', 'cases.new': '新建',
    'cases.none': '还没有笔记。', 'case.back': '返回', 'contrib.title': '笔记',
  },
  en: {
    'exit.button': 'Close', 'nav.cases': 'Notes', 'nav.contributions': 'Notes', 'cases.title': 'Notes', 'cases.new': 'New',
    'cases.none': 'No notes yet.', 'case.back': 'Back', 'contrib.title': 'Notes',
  },
};

// Values the server sends as codes.
const labels = {
  zh: {
    jurisdiction: { CN: '中国大陆', US: '美国', UK: '英国', OTHER: '其他' },
    kind: { screenshot: '截图', photo: '照片', recording: '录音', video: '视频', document: '文件', export: '导出记录' },
    type: { call: '通话', message: '信息', file: '文件' },
    // The same words as the server's (GET /api/meta/), the report's and the lawyer's pages.
    call_direction: { in: '呼入', out: '呼出', missed: '未接', rejected: '拒接', blocked: '已拦截', voicemail: '语音信箱' },
    message_direction: { in: '收到', out: '发出' },
    channel: { phone: '电话', sms: '短信', mms: '彩信', wechat: '微信', visit: '上门', letter: '信件', email: '邮件', other: '其他' },
    role: { collector: '催收', lender: '放贷方', self: '我自己', relative: '亲属', employer: '单位/领导', colleague: '同事', friend: '朋友', other: '其他' },
    purpose: { lawyer: '交给律师', authority: '向机构投诉', self: '自己留存' },
    authority: { 'cn-12378': '金融监管总局 12378', 'cn-nifa': '中国互联网金融协会', 'cn-12321': '12321 网络不良与垃圾信息举报', 'cn-police': '公安机关（报警）', 'cn-12315': '12315 市场监管', 'us-cfpb': 'CFPB（美国）', 'uk-fos': '金融申诉专员（英国）', generic: '其他机构' },
    subchannel: { online_portal: '网上提交', hotline: '热线电话', post: '邮寄', in_person: '当面提交', email: '电子邮件' },
    status: { queued: '排队中', running: '进行中', done: '完成', failed: '失败', needs_mapping: '等待确认各列' },
    substatus: { submitted: '已提交', acknowledged: '已受理', answered: '已答复', closed: '已办结' },
    share: { active: '有效', invited: '已邀请（对方未注册）', expired: '已过期', revoked: '已撤销' },
  },
  en: {
    jurisdiction: { CN: 'Mainland China', US: 'United States', UK: 'United Kingdom', OTHER: 'Elsewhere' },
    kind: { screenshot: 'Screenshot', photo: 'Photo', recording: 'Recording', video: 'Video', document: 'Document', export: 'Phone export' },
    type: { call: 'Call', message: 'Message', file: 'File' },
    call_direction: { in: 'Incoming', out: 'Outgoing', missed: 'Missed', rejected: 'Rejected', blocked: 'Blocked', voicemail: 'Voicemail' },
    message_direction: { in: 'Received', out: 'Sent' },
    channel: { phone: 'Phone', sms: 'SMS', mms: 'MMS', wechat: 'WeChat', visit: 'Visit', letter: 'Letter', email: 'E-mail', other: 'Other' },
    role: { collector: 'Collector', lender: 'Lender', self: 'Me', relative: 'Relative', employer: 'Employer', colleague: 'Colleague', friend: 'Friend', other: 'Other' },
    purpose: { lawyer: 'For a lawyer', authority: 'A complaint to an authority', self: 'For my own records' },
    authority: { 'cn-12378': 'NFRA 12378 (China)', 'cn-nifa': 'NIFA (China)', 'cn-12321': '12321 reporting centre (China)', 'cn-police': 'Police (China)', 'cn-12315': '12315 market regulator (China)', 'us-cfpb': 'CFPB (US)', 'uk-fos': 'Financial Ombudsman Service (UK)', generic: 'Another authority' },
    subchannel: { online_portal: 'Online', hotline: 'Hotline', post: 'Post', in_person: 'In person', email: 'E-mail' },
    status: { queued: 'queued', running: 'in progress', done: 'done', failed: 'failed', needs_mapping: 'waiting for you to map the columns' },
    substatus: { submitted: 'submitted', acknowledged: 'acknowledged', answered: 'answered', closed: 'closed' },
    share: { active: 'active', invited: 'invited (no account yet)', expired: 'expired', revoked: 'revoked' },
  },
};

function initial() {
  const saved = localStorage.getItem('el-lang');
  if (saved === 'zh-Hans' || saved === 'en') return saved;
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh-Hans' : 'en';
}

let current = initial();
const plural = { 'zh-Hans': new Intl.PluralRules('zh-Hans'), en: new Intl.PluralRules('en') };

export const lang = () => current;
export const langCode = () => current; // what the API's Accept-Language gets
export const otherLang = () => (current === 'en' ? 'zh-Hans' : 'en');

export async function setLang(code) {
  current = code === 'en' ? 'en' : 'zh-Hans';
  localStorage.setItem('el-lang', current);
  document.documentElement.lang = current;
  try { await self.ELCore.db.put('kv', current, 'lang'); } catch { /* the service worker falls back to zh-Hans */ }
}

export const discreet = () => localStorage.getItem('el-discreet') === '1';

export function t(key, params = {}) {
  const dict = current === 'en' ? en : zh;
  const quiet = discreet() ? discreetWords[current === 'en' ? 'en' : 'zh'][key] : undefined;
  let text = quiet ?? dict[key] ?? en[key] ?? key;
  if (typeof text === 'object') text = text[plural[current].select(Number(params.n))] ?? text.other;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export function label(group, value) {
  if (value == null || value === '') return '';
  const table = (current === 'en' ? labels.en : labels.zh)[group] || {};
  return table[value] || value;
}

/* The server's words for its codes (GET /api/meta/), once the app has a copy: where they exist
   they name directions and authorities, so the app reads as the report and the lawyer's pages do. */
let meta = null;
export function useMeta(data) { meta = data && typeof data === 'object' ? data : null; }

function metaWord(group, value) {
  const row = meta && Array.isArray(meta[group]) ? meta[group].find((r) => r.value === value) : null;
  return row && row.label ? row.label[current] || '' : '';
}

/* A call's or a message's direction in words: 呼入/呼出/未接… for a call, 收到/发出 for a message.
   An outgoing call is 呼出, never 来电. */
export function directionName(kind, direction) {
  const group = kind === 'message' ? 'message_direction' : 'call_direction';
  return metaWord(group, direction) || label(group, direction);
}

const MESSAGE_CHANNEL_NAMES = new Set(['sms', 'mms', 'wechat', 'letter', 'email']);

/* The one name of a call or a message by its kind and direction: "通话 · 呼出", "短信 · 收到",
   "Call · Outgoing"; a call not made by phone adds how ("通话 · 呼入 · 微信"). */
export function eventName(kind, direction, channel) {
  if (kind === 'message') {
    const what = MESSAGE_CHANNEL_NAMES.has(channel) ? label('channel', channel) : label('type', 'message');
    return `${what} · ${directionName('message', direction)}`;
  }
  const how = channel && channel !== 'phone' ? ` · ${label('channel', channel)}` : '';
  return `${label('type', 'call')} · ${directionName('call', direction)}${how}`;
}

/* The authorities a case of this place may address (the server refuses others). */
const AUTHORITIES = {
  CN: ['cn-12378', 'cn-nifa', 'cn-12321', 'cn-police', 'cn-12315', 'generic'],
  US: ['us-cfpb', 'generic'], UK: ['uk-fos', 'generic'], OTHER: ['generic'],
};
export function authoritiesFor(jurisdiction) {
  const row = meta && Array.isArray(meta.jurisdiction) ? meta.jurisdiction.find((r) => r.value === jurisdiction) : null;
  if (row && Array.isArray(row.authorities) && row.authorities.length) return row.authorities;
  return AUTHORITIES[jurisdiction] || AUTHORITIES.OTHER;
}
