-app-name = 电子证书管理器

app-title = { -app-name }
title-readers = 读卡器
title-tokens = 智能卡及介质
title-certificates = 电子证书
title-language = 语言
title-text-size = 字体大小

label-card-present = 已插入智能卡
label-no-card = 没有智能卡
label-card-in-use = 其他程序正在使用
label-unknown-card = 无法识别的智能卡
label-atr = ATR { $atr }
label-hk-smart-id = 香港智能身份证
label-piv-card = 智能卡（PIV）
label-pkcs11-token = 介质
label-e-cert-file = 电子证书文件
label-pin-tries = 密码：还剩 { $tries } 次机会
label-pin-final = 密码：只剩一次机会，再输错就会锁定
label-pin-blocked = 密码已锁定
label-pin-ok = 已设置密码
label-days-left = 还剩 { $days } 天
label-expired = 已过期
label-issued-by = 签发机构：{ $issuer }
label-slot = 位置 { $slot }
label-unreadable = 这个对象不是可读取的电子证书。

empty-service-title = 智能卡服务未运行
empty-service-body = { $os ->
    [windows] 请启动 Windows“Smart Card”服务（SCardSvr）：打开“服务”，找到“Smart Card”，设为“自动”并启动。服务运行后，本窗口会自动更新。
    [macos] macOS 会自行运行智能卡服务：请拔出读卡器再插入，或重新启动电脑。服务运行后，本窗口会自动更新。
   *[other] 请启动智能卡服务（Debian：安装并启动“pcscd”）。服务运行后，本窗口会自动更新。
}
empty-no-reader-title = 找不到读卡器
empty-no-reader-body = 请连接读卡器，或插入 USB 电子证书介质。
empty-no-card-title = 请插入智能卡
empty-no-card-body = 请把智能身份证放入读卡器，或连接电子证书介质。
empty-choose = 请在左侧选择智能卡或介质，以查看其电子证书。
empty-no-certs = 这张智能卡或介质没有电子证书。
status-loading = 正在读取电子证书……

err-card-removed = 智能卡已被移除。
rec-card-removed = 请重新插入智能卡，并等待其显示。
err-service = 无法使用智能卡服务。
rec-service = { $os ->
    [windows] 请在“服务”中启动 Windows“Smart Card”服务（SCardSvr）后再试。
   *[other] 请启动智能卡服务（pcscd）后再试。
}
err-card-busy = 其他程序正在使用这张智能卡。
rec-card-busy = 请关闭该程序后再试。
err-not-piv = 这张智能卡没有本程序可使用的证书应用。
rec-not-piv = 香港智能身份证等智能卡须使用签发机构提供的 PKCS#11 软件。
err-wrong-pin = 密码错误，还剩 { $tries } 次机会。
rec-wrong-pin = 请核对密码后再试。多次输错密码，智能卡就会锁定。
err-pin-blocked = 密码已锁定。
rec-pin-blocked = 请用 PUK（或介质的管理员密码）解锁。
err-pin-format = 密码必须是 6 至 8 位数字。
rec-pin-format = 没有数据发送到智能卡，没有用掉任何一次机会。
err-key-mismatch = 这张电子证书不属于智能卡上的密钥。
rec-key-mismatch = 没有写入任何数据。请使用为这张智能卡签发的电子证书。
err-wrong-password = 电子证书文件的密码错误。
rec-wrong-password = 请核对密码；没有任何更改。
err-not-p12 = 这个文件不是电子证书文件（PKCS#12）。
rec-not-p12 = 请选择你收到的 .p12 或 .pfx 文件。
err-location-in-use = 智能卡上该位置已有密钥。
rec-location-in-use = 没有任何更改。请先移除旧的电子证书（会先提供备份）。
err-pkcs11 = 介质软件报告错误（{ $code }）。
rec-pkcs11 = 请确认介质已插入且其软件已安装，然后再试。
err-other = 发生错误：{ $detail }
rec-other = 没有任何更改。请再试；如问题持续，请复制诊断报告。
err-internal = e-Cert Manager 发生内部错误，已停止这项操作：{ $detail }
rec-internal = 程序仍在运行。如正在更改智能卡，请取出再插入，查看卡上的证书；中断的工作可以继续或撤销。请连同诊断报告反馈此问题。

title-change-pin = 更改密码
title-unblock-pin = 解锁密码
title-certificate = 电子证书
label-current-pin = 当前密码
label-puk = PUK（解锁码）
label-new-pin = 新密码
label-repeat-pin = 再次输入新密码
label-owner = 持有人
label-issuer = 签发机构
label-serial = 序列号
label-valid-from = 有效期自
label-valid-until = 有效期至
label-fingerprint = SHA-256 指纹
banner-expiring = 这张电子证书将于 { $days } 天后到期。请向认证机构申请续期，然后在此加载新证书。
banner-expired = 这张电子证书已过期。请向认证机构申请新证书。
status-pin-changed = 完成。请从现在起使用新密码。
status-working = 处理中……
status-exported = 已保存到 { $path }
err-pin-mismatch = 两次输入的新密码不一致。没有数据发送到智能卡。
btn-apply = 确定
btn-close = 关闭
btn-back = 返回
btn-change-pin = 更改密码
btn-unblock-pin = 解锁密码
btn-export-pem = 另存为 PEM 文件

title-settings = 设置
title-diagnostics = 诊断
title-trust-anchors = 信任的根证书
title-modules = 介质软件（PKCS#11 模块）
label-high-contrast = 高对比度
label-revocation = 在线检查证书是否已被撤销（会使用网络；关闭时完全离线）
label-on = 开
label-off = 关
label-bundled = 内置
label-service-running = 智能卡服务：运行中
label-service-stopped = 智能卡服务：未运行
label-version = 版本 { $version }
label-module-error = 无法使用：{ $error }
btn-settings = 设置
btn-diagnostics = 诊断
btn-copy-report = 复制报告
status-copied = 已复制报告。报告不包含姓名或身份证号码。
status-settings-error = 无法保存设置：{ $error }
err-wrong-secret = 密码或 PUK 错误。
title-files = 电子证书文件
label-file-path = .p12 或 .pfx 文件的路径
label-file-password = 电子证书文件的密码
btn-open-file = 打开
btn-unlock = 显示电子证书
btn-verify = 检查有效性
status-verifying = 正在检查证书…
verdict-valid = 可信：证书链通向受信任的根证书，所有检查均通过
verdict-invalid = 不可信
verdict-undetermined = 无法检查
title-chain = 证书链
label-trusted-root = 受信任的根证书
label-rev-good = 未被吊销（{ $source }）
label-rev-revoked = 已被吊销
label-rev-unknown = 吊销状态不明
label-rev-not-checked = 未检查吊销状态（设置中已关闭吊销检查）
label-weak-signature = 以 SHA-1 签名（较弱）
reason-no-path = 找不到通向受信任根证书的证书链：签发机构缺失或不受信任。
reason-expired = 证书链中有证书已过期。
reason-not-yet-valid = 证书链中有证书尚未生效。请检查电脑的日期。
reason-revoked = 认证机构已吊销这张证书。
reason-revocation-unknown = 无法检查是否已被吊销：{ $detail }
reason-bad-signature = 证书链中的签名无法验证：证书可能已被改动。
reason-other = { $detail }
btn-open-demo = 打开演示卡
empty-demo-hint = 手边没有卡？演示卡载有由演示机构签发的样本电子证书，让你试用每个画面。
label-demo-card = 演示卡（样本电子证书，并非真实）
label-demo-pin = 密码 { $pin }
date = { $year }年{ $month }月{ $day }日
label-user-anchor = 由你添加
label-system-anchor = 来自系统
label-anchor-path = 信任其他认证机构：其证书的路径
btn-check = 检查
anchor-confirm = 信任“{ $subject }”为电子证书作担保？请将此 SHA-256 指纹与该机构公布的指纹比对：{ $fingerprint }
btn-trust = 信任
btn-cancel = 取消
btn-remove = 移除
status-anchor-added = 已添加认证机构。
status-anchor-removed = 已移除认证机构。
btn-find = 查找证书
title-find = 在证书目录中查找证书
find-no-directory = 尚未设置证书目录。请用 `ecert directory add 名称 ldap://…` 添加认证机构的目录（没有预设目录）。
find-offline = 已开启离线模式：不会搜索目录。
label-find-query = 姓名、电子邮件地址或序列号
btn-find-name = 按姓名搜索
btn-find-email = 按电子邮件搜索
btn-find-serial = 按序列号搜索
status-searching = 正在搜索目录…
find-none = 没有找到任何结果。
dir-valid = 有效
dir-revoked = 已被吊销
dir-expired = 已过期
dir-not-yet-valid = 尚未生效
dir-untrusted = 并非来自受信任的机构
dir-invalid = 无效
dir-undetermined = 无法检查
dir-malformed = 不是可读的证书
title-remove = 移除电子证书
remove-what = 将从卡中移除 { $owner } 的电子证书（{ $key }）。用它做出的签名仍然有效；但你不能再用它签名或登录。
remove-backup = 移除前会先把证书备份到 { $path }
remove-understood = 我明白，并已准备好在需要时申请新的电子证书
btn-remove-start = 移除…
btn-remove-confirm = 是的，移除
status-removed = 已移除。备份在 { $path }。
btn-install-start = 从文件安装…
title-install = 安装电子证书文件
install-piv-note = 文件中的密钥将导入卡内，作为{ $key }。卡内的密钥无法再读出，请妥善保存文件。不支持密钥导入的卡会如实提示，届时不会写入任何内容。
label-token-pin = 介质的密码
btn-install = 安装
status-installed = 已安装：密钥和证书已在介质上。

# Diagnostics and card names
label-virtual-card = 虚拟智能卡（vsmartcard）
diag-service = { $os ->
    [windows] 智能卡服务（Smart Card，SCardSvr）
    [macos] 智能卡服务（CryptoTokenKit）
   *[other] 智能卡服务（pcscd）
}
diag-service-running = 运行中
diag-service-failed = 无法使用：{ $error }
diag-starting = 正在查找读卡器…
diag-none = 未找到
diag-module-loaded = 已加载
diag-version = { -app-name } { $version }（{ $os }）
diag-report-note = 复制的报告只列出设备和软件：不含姓名、身份证号码或证书。

# File picker
btn-browse = 选择文件…
picker-title = 选择文件
picker-up = 上一级文件夹
picker-home = 主文件夹
picker-documents = 文档
picker-empty = 这里没有文件夹或匹配的文件
# Certificate page tabs
tab-general = 常规
tab-details = 详细信息
tab-chain = 证书链
tab-revocation = 吊销状态
label-ecert-type = 电子证书类别
label-status = 状态
badge-trusted = 可信
badge-not-trusted = 不可信
badge-revoked = 已被吊销
badge-unknown = 无法检查
badge-not-checked = 尚未检查
btn-export-der = 另存为 DER 文件
btn-copy-pem = 复制 PEM
status-pem-copied = 已复制：证书（PEM）已在剪贴板中。
btn-open-folder = 打开文件夹
status-folder-error = 无法打开文件夹：{ $error }
label-critical = 关键
label-could-not-read = 无法读取
label-details-unreadable = 无法读取此证书的详细信息。
field-version = 版本
field-serial = 序列号
field-signature-algorithm = 签名算法
field-issuer = 签发机构
field-subject = 主体
field-not-before = 有效期开始
field-not-after = 有效期结束
field-public-key = 公钥
field-sha1 = SHA-1 指纹
field-sha256 = SHA-256 指纹
ext-basic-constraints = 基本约束
ext-key-usage = 密钥用法
ext-ext-key-usage = 扩展密钥用法
ext-subject-alt-name = 主体备用名称
ext-issuer-alt-name = 签发机构备用名称
ext-authority-key-id = 签发机构密钥标识符
ext-subject-key-id = 主体密钥标识符
ext-crl-distribution-points = 吊销列表（CRL）分发点
ext-authority-info-access = 签发机构信息访问
ext-certificate-policies = 证书策略
chain-not-checked = 尚未检查证书链。请按“检查有效性”。
rev-source = 来源
rev-checked-at = 检查时间
rev-this-update = 本次更新
rev-next-update = 下次更新
rev-next-none = 未提供
rev-status-good = 未被吊销
rev-status-revoked = 已于 { $date } 被吊销
rev-status-unknown = 无法确定吊销状态：{ $detail }
rev-off = 未检查 — 设置中已关闭吊销检查。
rev-anchor = 受信任的根证书不做吊销检查。
rev-no-chain = 未能建立通向受信任根证书的证书链，因此没有检查吊销状态。
rev-where = 可在以下位置检查（证书所载）
kind-hk-personal = 香港邮政电子证书（个人）
kind-hk-organisational = 香港邮政电子证书（机构）
kind-hk-organisational-role = 香港邮政电子证书（机构职位）
kind-hk-encipherment = 香港邮政电子证书（加密）
kind-hk-server = 香港邮政电子证书（服务器）
kind-hk-other = 香港邮政电子证书
kind-mo-qualified = eSignTrust 合格证书
kind-mo-normalised = eSignTrust 普通证书
kind-mo-encipherment = eSignTrust 加密证书
kind-mo-server = eSignTrust 服务器证书
kind-mo-other = eSignTrust 证书
kind-ca = 证书颁发机构
kind-server = 服务器（TLS）
kind-encipherment = 加密
kind-personal-signing = 个人签名

# Token software in Settings
btn-add-module = 添加介质软件…
btn-remove-module = 停止使用
module-source-user = 由你添加
module-source-env = 来自 ECERT_PKCS11_MODULES
module-source-p11kit = 已在系统注册（p11-kit）
module-source-known = 在常用位置找到
status-module-added = 已添加 { $path }。加载后，其智能卡和介质会出现在列表中。
status-module-removed = 已停止使用：{ $path }
status-module-missing = { $path } 不是文件。

# Key, request, import, signature and renewal dialogs
keys-file-note = 电子证书文件不能在此生成密钥、导入证书或签名。请选择卡或 PKCS#11 介质。
keys-no-card-note = 请先选择卡或介质。没有 PIV 卡的读卡器不能进行此操作。
keys-no-free-slot = 这张卡上所有密钥位置都已有电子证书。请先移除一张，或使用另一张卡。
label-pin = 密码
title-keygen = 生成密钥和证书请求
keygen-what = 新密钥在卡上生成，永不离开卡。你会得到一个请求文件，交给你的证书颁发机构。
label-key-location = 密钥位置
label-key-type = 密钥类型
label-request-name = 请求中的名称（与电子证书上相同）
status-making-key = 正在生成密钥…
status-signing-request = 正在签署请求…
status-saving-request = 正在保存请求…
status-request-saved = 请求已保存到 { $path }
keygen-next = 下一步：把这个文件交给你的证书颁发机构。收到签发的电子证书后，请使用“导入已签发的证书…”。
btn-keygen = 生成
btn-keygen-start = 生成密钥和请求…
err-request-name = 这个名称不能用于请求。
rec-request-name = 请输入电子证书上应显示的名称，例如 Chan Tai Man。
err-request-save = 未能保存请求。
title-import = 导入已签发的证书
label-cert-file = 证书文件（PEM 或 DER）
btn-read-file = 读取文件
status-reading = 正在读取文件…
import-owner = 持有人：{ $owner }
import-validity = 有效期从 { $from } 到 { $to }
import-key-found = 它的密钥在卡上位置 { $slot }。
import-choose-slot = 本程序不知道这张证书属于哪个密钥。请选择位置；写入前卡会先核对密钥是否匹配。
btn-import = 导入
btn-import-start = 导入已签发的证书…
status-imported = 已导入：证书已在卡上，与其密钥放在一起。
err-import-read = 不能使用这个文件。
err-import-no-cert = 文件中没有证书
title-sign = 测试签名
sign-what = 卡会用 { $owner } 的电子证书（{ $key }）签署一段简短的测试消息，然后本程序用该电子证书核对签名。
sign-unsupported-key = 不能在此测试这张电子证书的密钥类型。
btn-sign = 签名
btn-sign-start = 测试签名…
status-signing = 正在签名…
status-signature-good = 你的卡已签名，签名与你的电子证书核对一致。
err-signature-bad = 卡已签名，但签名与这张电子证书不符：这个位置的密钥不是电子证书的密钥。
title-renew = 续期或更换电子证书
renew-what = 将为 { $owner } 的电子证书（现为卡上的{ $key }）生成新密钥，并为证书颁发机构保存一份请求。
renew-old-stays = 在续期的电子证书经核对并保存之前，你现有的电子证书会留在卡上并继续可用。
renew-request-saved = 第一步已完成：请求已保存到 { $path }。请交给你的证书颁发机构，然后载入他们签发的续期电子证书。
label-renewed-file = 续期的电子证书（PEM 或 DER 文件）
status-checking-renewed = 正在核对并保存续期的电子证书…
status-renewed = 完成：续期的电子证书已在卡上，旧的已移除。
btn-renew-open = 续期…
btn-renew-start = 生成密钥和请求
btn-renew-load = 载入续期的电子证书

# Empty state: a card no software knows
empty-software-title = 这张卡需要其制造商的软件
empty-software-body = 请安装随智能卡或介质提供的软件（PKCS#11 模块）；如果它没有自动出现，请在“设置”→“介质软件”中添加。此窗口会自动更新。
# Certificate page tabs (continued)
kind-with-mutual-recognition = { $kind }（具“互认”资格）
btn-browse-ecert = 选择电子证书文件…

# Counter screen
btn-counter = 柜台
title-counter = 邮政局柜台
counter-no-data = 此用户没有数据文件夹，无法记录任何操作：此处不能使用柜台功能。
counter-label-operator = 操作员名称
btn-counter-sign-in = 登录
btn-counter-sign-out = 退出登录
counter-signed-in = 已登录：{ $operator }。所有操作均以此名称记录。
counter-sign-in-first = 请先以操作员身份登录：柜台的每项操作都会以操作员名称记录。
counter-no-card = 请插入市民的卡，并在左侧选择它。
counter-card = 卡：{ $card }
counter-checking-card = 正在检查这张卡有没有未完成的工作…
counter-pending = 这张卡有未完成的工作 { $job }（{ $kind }，位置 { $slot }）：{ $status }。
counter-kind-enroll = 新电子证书
counter-kind-remove = 移除
counter-status-running = 工作曾被中断，请继续或回滚
counter-status-awaiting = 申请已发出，请领取已签发的证书
btn-counter-resume = 继续
btn-counter-rollback = 回滚
btn-counter-enroll = 申请
btn-counter-collect = 领取
btn-counter-remove = 移除
btn-counter-enroll-now = 生成密钥及申请
btn-counter-collect-now = 检查并存储已签发的电子证书
btn-counter-remove-now = 移除电子证书
counter-label-subject = 申请的主体（例如 CN=CHAN Tai Man）
counter-label-outbox = 发件文件夹（申请文件写在这里）
counter-label-inbox = 收件文件夹（在这里领取已签发的证书）
counter-collect-none = 这张卡没有等待证书的工作：请先申请。
counter-collect-expects = 请把已签发的证书以 { $file } 为名放入收件文件夹，然后按“领取”。
counter-label-remove-slot = 要移除的电子证书
counter-label-backup = 备份文件（移除前先写入）
counter-label-confirm = 请再输入一次位置以确认：{ $slot }
counter-confirm-mismatch = 再次输入的位置不一致。
counter-no-certs = 这张卡没有可移除的电子证书。
counter-busy-card = 正在处理这张卡…
counter-enrolled = 工作 { $job }：申请已保存于 { $path }。请把已签发的证书以 { $job }.pem 为名放入收件文件夹，然后领取。
counter-collected = 工作 { $job }：已签发的电子证书已通过检查并存储到卡上。
counter-receipt-saved = 收据已保存于 { $path }：
counter-removed = 已移除位置 { $slot } 的电子证书；备份在 { $path }。
counter-job-done = 工作 { $job }：已完成。
counter-job-rolled-back = 工作 { $job }：已回滚，卡恢复原状。
counter-job-waiting = 工作 { $job }：正在等待已签发的证书。
counter-job-running = 工作 { $job }：仍在进行。
counter-err-file = 无法读取或写入柜台的文件。
counter-err-audit = 此项操作未能记录在审计日志中。请停止操作并通知主管。
counter-err-intent = 此项操作未能记录在审计日志中，因此没有改动卡。请停止操作并通知主管。
counter-err-backup-exists = 该处已有文件，请选择另一个备份文件
title-counter-log = 本次会话的审计记录
counter-no-log = 本次会话尚未有记录。

# Counter mode setting
label-counter-mode = 邮政局柜台模式（供柜台职员使用）

# Management key prompt
label-mgmt-key = 智能卡管理密钥（48 个十六进制数字；AES 为 32 或 64 个）
mgmt-key-why = 智能卡拒绝了出厂管理密钥：这张卡的管理密钥已被更改（YubiKey 上很常见）。请向为你设置这张卡的人索取新密钥（YubiKey 即在 YubiKey Manager 中设置的密钥）。密码的尝试次数没有减少。
mgmt-key-refused = 智能卡也拒绝了这个管理密钥。请核对后重新输入。
mgmt-key-not-hex = 管理密钥以十六进制书写：只能包含 0–9 和 A–F（可加空格和冒号）。没有发送任何数据。
mgmt-key-length = 这个密钥有 { $digits } 个十六进制数字；需要 48 个（3DES 或 AES-192）、32 个（AES-128）或 64 个（AES-256）。没有发送任何数据。

# Interrupted renewal
renew-interrupted = 续期在中途停止了（新密钥可能已在卡上）。再按一次按钮可继续，或取消续期：两者都不会影响你现有的电子证书。
btn-renew-cancel = 取消这次续期
renew-cancelled = 续期已取消。你现有的电子证书没有改变。

# Key usages in plain words (Details tab)
usage-digital-signature = 数字签名
usage-non-repudiation = 不可否认（具法律效力的签名）
usage-key-encipherment = 加密密钥
usage-data-encipherment = 加密数据
usage-key-agreement = 密钥协商
usage-key-cert-sign = 签发证书
usage-crl-sign = 签署吊销列表
usage-server-auth = 识别网站服务器（TLS）
usage-client-auth = 登录（TLS 客户端）
usage-code-signing = 签署软件
usage-email-protection = 签署及加密电子邮件
usage-time-stamping = 时间戳
usage-ocsp-signing = 签署 OCSP 响应
usage-smartcard-logon = Windows 智能卡登录
usage-document-signing = 签署文档

# Who renews this e-Cert (under the expiry banner)
renew-advice-hkpost = 香港邮政电子证书由香港邮政核证机关续期：请访问 www.ecert.gov.hk 或到邮政局查询。请先按"续期…"，在这张卡上生成新密钥和申请。
renew-advice-esigntrust = eSignTrust 证书由澳门邮电的 eSignTrust 续期：请访问 www.esigntrust.com 或前往其服务柜台。请先按"续期…"，在这张卡上生成新密钥和申请。
renew-advice-demo = 这是示范电子证书，没有机构会为它续期。按"续期…"可试行各步骤。
renew-advice-other = 请向签发机构（{ $issuer }）申请续期证书。请先按"续期…"，在这张卡上生成新密钥和申请。

# Basic constraints in words (Details tab)
bc-end-entity = 不是认证机构
bc-ca = 认证机构
bc-ca-path = 认证机构，其下最多再有 { $n } 层

# A job the card's journal says was interrupted
title-unfinished = 完成中断的操作
unfinished-renew = 位置 { $slot } 的电子证书续期进行到一半停止了（卡被取出或程序关闭）。
unfinished-renew-waiting = 位置 { $slot } 的电子证书正在续期，等待认证机构签发的续期电子证书。
unfinished-remove = 删除位置 { $slot } 的电子证书进行到一半停止了（卡被取出或程序关闭）。
unfinished-enroll = 把新电子证书写入位置 { $slot } 进行到一半停止了（卡被取出或程序关闭）。
unfinished-enroll-waiting = 已为位置 { $slot } 申请新电子证书，但尚未保存。
unfinished-safe = 没有任何东西丢失：每一步在执行前都已记录在这台电脑上。"继续"会完成操作；"撤销"会把卡恢复到开始前的状态。
unfinished-done = 完成：操作已完成。
unfinished-undone = 已撤销：卡已恢复到操作开始前的状态。
unfinished-continued-waiting = 已继续：申请已发出；认证机构签发续期电子证书后，请在此加载。
btn-unfinished-open = 继续或撤销…
btn-unfinished-continue = 继续
btn-unfinished-undo = 撤销

# Certificate directory errors (message, then what to do)
err-dir-bad-url = 这个目录地址无法使用：{ $url }（{ $detail }）。
rec-dir-bad-url = 请输入认证机构公布的 ldap://、ldaps:// 或 http:// 地址。
err-dir-unreachable = 无法连接目录 { $url }（{ $detail }）。
rec-dir-unreachable = 请检查网络连接和地址，然后重试。
err-dir-timeout = 目录 { $url } 未能及时响应。
rec-dir-timeout = 请稍后重试，或缩小搜索范围。
err-dir-too-many = 目录 { $url } 中有超过 { $limit } 个匹配项。
rec-dir-too-many = 请输入更多姓名信息，或按电子邮件地址或序列号搜索。
err-dir-refused = 目录 { $url } 拒绝了搜索（{ $detail }）。
rec-dir-refused = 请检查目录的搜索起点，或向管理该目录的认证机构咨询。
err-dir-malformed = 目录发来的内容不是有效的 { $expected }（{ $dn }）。
rec-dir-malformed = 这些内容没有被使用。请通知管理该目录的认证机构。
err-dir-tls = 无法与目录 { $url } 建立安全连接（{ $detail }）。
rec-dir-tls = 这台电脑不信任它的证书，或它不提供 TLS。请检查地址（ldaps:// 或 StartTLS），并确保这台电脑的受信任证书已更新。没有进行任何搜索。
err-dir-protocol = 目录 { $url } 的响应无法读取（{ $detail }）。
rec-dir-protocol = 请稍后重试；如问题持续，请检查地址。
err-dir-offline = 离线模式已开启：不会连接任何目录。
rec-dir-offline = 请在设置中关闭离线模式，才能搜索目录。
err-dir-bad-query = 无法进行这个搜索：{ $detail }。
rec-dir-bad-query = 请输入部分姓名、电子邮件地址，或十六进制序列号（0–9、A–F）。

## Files (careful_file): private, atomic, never overwritten unasked
err-file-exists = { $path } 已存在，没有覆盖。
rec-file-exists = 请另选名称。如确定要替换，可在命令提供时使用 --force。
err-file-io = 无法写入 { $path }（{ $detail }）。原有文件没有改动。
rec-file-io = 请检查文件夹是否存在、你是否有写入权限，以及磁盘是否已满。
err-file-no-data-dir = 此用户没有数据文件夹（找不到主文件夹）。
rec-file-no-data-dir = 请把 ECERT_DATA_DIR 设为只有你可读取的文件夹。
err-salt-damaged = 本机安装密钥 { $path } 已损坏。由于已保存的工作依赖此文件，文件保持原样。
rec-salt-damaged = 请从备份恢复此文件。如没有备份，可把它移走，但卡上未完成的工作将无法找回。

## One card, one journal (card_proof)
err-not-this-card = 未完成的工作 { $id } 无法在这张卡上安全地继续或撤销：{ $reason }没有做任何更改。
rec-not-this-card = 请插入开始这项工作时所用的卡。如那张卡已不在，这项工作无法在此完成。
card-mismatch-anchor = 这张卡的标识符与开始工作时的卡不同。
card-mismatch-certificate = { $location } 的证书与工作所属的卡不同。
card-mismatch-touched = { $location } 有一张既非工作开始时已有、也非工作写入的证书。
card-mismatch-no-evidence = 这张卡没有标识符，也没有可证明是哪张卡的证书。
card-mismatch-old-journal = 这项工作由旧版本以读卡器名称（而非卡本身）记录。
err-offline-forbids-online = 离线模式已开启（设置文件 { $path }）：不会通过网络进行任何检查。
rec-offline-forbids-online = 请在设置中关闭离线模式（或在该文件中设置 "offline": false），再进行在线检查；或不使用 --online 检查。
reason-revocation-too-old = 无法判断：唯一的吊销回复没有“下次更新”日期，且已超过 { $days } 天，可能是被重放的旧回复。（{ $detail }）
reason-responder-refused = 无法判断：代表证书颁发机构回复的服务器不可信赖。（{ $detail }）
reason-work-limit = 无法判断：检查所需的步骤或下载次数超出单次验证的上限。
err-dir-elsewhere = 找到的证书指向 { $url }，但那不是正在搜索的目录（{ $directory }），因此没有连接。
rec-dir-elsewhere = 如要使用该服务器，请把它另行添加为目录再搜索。
err-key-import-unsupported = 这张卡不能从文件导入密钥：它不支持密钥导入。卡上没有写入任何内容。
rec-key-import-unsupported = 请使用支持密钥导入的卡（例如 YubiKey），或使用 PKCS#11 令牌。
err-key-type-unsupported = 卡不能存放这类密钥（{ $detail }）。卡上没有写入任何内容。
rec-key-type-unsupported = PIV 卡可存放 RSA-2048、P-256 和 P-384 密钥。请向证书签发机构索取含有这类密钥的文件，或使用 PKCS#11 令牌。
unfinished-install = 将电子证书文件安装到位置 { $slot } 进行到一半停止了（卡被取出或程序关闭）。
err-install-needs-file = 中断的安装在卡获得新密钥之前已停止。
rec-install-needs-file = 请再次安装同一个电子证书文件以完成，或撤销中断的任务。
err-install-slot-in-use = 位置 { $location } 已有电子证书。
rec-install-slot-in-use = 请选择空闲的位置。如要用电子证书文件替换该处的电子证书，请为它提供备份文件（其密钥将被替换，无法恢复）。

# Plain words on citizen paths (issue 16)
btn-save-copy = 保存副本…
label-signing-key = 签名密钥
label-auth-key = 身份认证密钥
label-card-auth-key = 智能卡登录密钥
label-encryption-key = 加密密钥
label-key-slot = 位置 { $slot }
label-key-purpose = 卡上的密钥
status-not-a-certificate = 这个文件中没有证书
status-file-not-opened = 无法在此打开这个文件：{ $path }。电子证书管理器可打开电子证书文件（.p12、.pfx）及证书（.cer、.crt、.der、.pem）。
badge-trusted-demo = 有效 · 示范
badge-trusted-demo-note = 示范认证机构只在示范卡上受信任，绝不用于真实的电子证书。
