-app-name = 電子證書管理員

app-title = { -app-name }
title-readers = 讀卡器
title-tokens = 智能卡及儲存裝置
title-certificates = 電子證書
title-language = 語言
title-text-size = 字體大小

label-card-present = 已插入智能卡
label-no-card = 沒有智能卡
label-card-in-use = 其他程式正在使用
label-unknown-card = 無法辨認的智能卡
label-atr = ATR { $atr }
label-hk-smart-id = 香港智能身份證
label-piv-card = 智能卡（PIV）
label-pkcs11-token = 儲存裝置
label-e-cert-file = 電子證書檔案
label-pin-tries = 密碼：尚餘 { $tries } 次機會
label-pin-final = 密碼：只餘一次機會，再輸入錯誤便會鎖上
label-pin-blocked = 密碼已鎖上
label-pin-ok = 已設定密碼
label-days-left = 尚餘 { $days } 日
label-expired = 已過期
label-issued-by = 簽發機構：{ $issuer }
label-slot = 位置 { $slot }
label-unreadable = 這個物件不是可讀取的電子證書。

empty-service-title = 智能卡服務未有運行
empty-service-body = { $os ->
    [windows] 請啟動 Windows「Smart Card」服務（SCardSvr）：開啟「服務」，找到「Smart Card」，設為「自動」並啟動。服務運行後，本視窗會自動更新。
    [macos] macOS 會自行運行智能卡服務：請拔出讀卡器再插入，或重新啟動電腦。服務運行後，本視窗會自動更新。
   *[other] 請啟動智能卡服務（Debian：安裝並啟動「pcscd」）。服務運行後，本視窗會自動更新。
}
empty-no-reader-title = 找不到讀卡器
empty-no-reader-body = 請連接讀卡器，或插入 USB 電子證書儲存裝置。
empty-no-card-title = 請插入智能卡
empty-no-card-body = 請把智能身份證放入讀卡器，或連接電子證書儲存裝置。
empty-choose = 請在左方選擇智能卡或儲存裝置，以查看其電子證書。
empty-no-certs = 這張智能卡或儲存裝置沒有電子證書。
status-loading = 正在讀取電子證書……

err-card-removed = 智能卡已被移除。
rec-card-removed = 請重新插入智能卡，並等待其顯示。
err-service = 未能使用智能卡服務。
rec-service = { $os ->
    [windows] 請在「服務」中啟動 Windows「Smart Card」服務（SCardSvr）後再試。
   *[other] 請啟動智能卡服務（pcscd）後再試。
}
err-card-busy = 其他程式正在使用這張智能卡。
rec-card-busy = 請關閉該程式後再試。
err-not-piv = 這張智能卡沒有本程式可使用的證書應用程式。
rec-not-piv = 香港智能身份證等智能卡須使用簽發機構提供的 PKCS#11 軟件。
err-wrong-pin = 密碼錯誤，尚餘 { $tries } 次機會。
rec-wrong-pin = 請核對密碼後再試。多次輸入錯誤密碼，智能卡便會鎖上。
err-pin-blocked = 密碼已鎖上。
rec-pin-blocked = 請以 PUK（或儲存裝置的管理員密碼）解鎖。
err-pin-format = 密碼必須為 6 至 8 位數字。
rec-pin-format = 沒有資料傳送到智能卡，未有用去任何一次機會。
err-key-mismatch = 這張電子證書不屬於智能卡上的密碼匙。
rec-key-mismatch = 沒有寫入任何資料。請使用為這張智能卡簽發的電子證書。
err-wrong-password = 電子證書檔案的密碼錯誤。
rec-wrong-password = 請核對密碼；沒有任何更改。
err-not-p12 = 這個檔案不是電子證書檔案（PKCS#12）。
rec-not-p12 = 請選擇你收到的 .p12 或 .pfx 檔案。
err-location-in-use = 智能卡上該位置已有密碼匙。
rec-location-in-use = 沒有任何更改。請先移除舊的電子證書（會先提供備份）。
err-pkcs11 = 儲存裝置軟件報告錯誤（{ $code }）。
rec-pkcs11 = 請確定儲存裝置已插入及其軟件已安裝，然後再試。
err-other = 發生錯誤：{ $detail }
rec-other = 沒有任何更改。請再試；如問題持續，請複製診斷報告。
err-internal = e-Cert Manager 發生內部錯誤，已停止這項操作：{ $detail }
rec-internal = 程式仍在運行。如正在更改智能卡，請取出再插入，查看卡上的證書；中斷了的工作可以繼續或復原。請連同診斷報告回報此問題。

title-change-pin = 更改密碼
title-unblock-pin = 解鎖密碼
title-certificate = 電子證書
label-current-pin = 現有密碼
label-puk = PUK（解鎖碼）
label-new-pin = 新密碼
label-repeat-pin = 再次輸入新密碼
label-owner = 持有人
label-issuer = 簽發機構
label-serial = 序號
label-valid-from = 有效期由
label-valid-until = 有效期至
label-fingerprint = SHA-256 指紋
banner-expiring = 這張電子證書將於 { $days } 日後到期。請向核證機關申請續期，然後在此載入新證書。
banner-expired = 這張電子證書已過期。請向核證機關申請新證書。
status-pin-changed = 完成。請由現在起使用新密碼。
status-working = 處理中……
status-exported = 已儲存至 { $path }
err-pin-mismatch = 兩次輸入的新密碼不相同。沒有資料傳送到智能卡。
btn-apply = 確定
btn-close = 關閉
btn-back = 返回
btn-change-pin = 更改密碼
btn-unblock-pin = 解鎖密碼
btn-export-pem = 另存為 PEM 檔案

title-settings = 設定
title-diagnostics = 診斷
title-trust-anchors = 信任的根證書
title-modules = 儲存裝置軟件（PKCS#11 模組）
label-high-contrast = 高對比度
label-revocation = 在網上檢查證書是否已被撤銷（會使用網絡；關閉時完全離線）
label-on = 開
label-off = 關
label-bundled = 內置
label-service-running = 智能卡服務：運行中
label-service-stopped = 智能卡服務：未有運行
label-version = 版本 { $version }
label-module-error = 無法使用：{ $error }
btn-settings = 設定
btn-diagnostics = 診斷
btn-copy-report = 複製報告
status-copied = 已複製報告。報告不包含姓名或身份證號碼。
status-settings-error = 無法儲存設定：{ $error }
err-wrong-secret = 密碼或 PUK 錯誤。
title-files = 電子證書檔案
label-file-path = .p12 或 .pfx 檔案的路徑
label-file-password = 電子證書檔案的密碼
btn-open-file = 開啟
btn-unlock = 顯示電子證書
btn-verify = 檢查有效性
status-verifying = 正在檢查證書…
verdict-valid = 可信：證書鏈通往受信任的根證書，所有檢查均通過
verdict-invalid = 不可信
verdict-undetermined = 無法檢查
title-chain = 證書鏈
label-trusted-root = 受信任的根證書
label-rev-good = 未被撤銷（{ $source }）
label-rev-revoked = 已被撤銷
label-rev-unknown = 撤銷狀態不明
label-rev-not-checked = 未檢查撤銷狀態（設定中已關閉撤銷檢查）
label-weak-signature = 以 SHA-1 簽署（較弱）
reason-no-path = 找不到通往受信任根證書的證書鏈：簽發機構缺失或不受信任。
reason-expired = 證書鏈中有證書已過期。
reason-not-yet-valid = 證書鏈中有證書尚未生效。請檢查電腦的日期。
reason-revoked = 核證機關已撤銷這張證書。
reason-revocation-unknown = 無法檢查是否已被撤銷：{ $detail }
reason-bad-signature = 證書鏈中的簽署無法驗證：證書可能已被改動。
reason-other = { $detail }
btn-open-demo = 開啟示範卡
empty-demo-hint = 手邊沒有卡？示範卡載有由示範機構簽發的樣本電子證書，讓你試用每個畫面。
label-demo-card = 示範卡（樣本電子證書，並非真實）
label-demo-pin = 密碼 { $pin }
date = { $year }年{ $month }月{ $day }日
label-user-anchor = 由你加入
label-system-anchor = 來自系統
label-anchor-path = 信任其他核證機關：其證書的路徑
btn-check = 檢查
anchor-confirm = 信任「{ $subject }」為電子證書作保證？請將此 SHA-256 指紋與該機關公布的指紋比對：{ $fingerprint }
btn-trust = 信任
btn-cancel = 取消
btn-remove = 移除
status-anchor-added = 已加入核證機關。
status-anchor-removed = 已移除核證機關。
btn-find = 尋找證書
title-find = 在證書目錄中尋找證書
find-no-directory = 尚未設定證書目錄。請以 `ecert directory add 名稱 ldap://…` 加入核證機關的目錄（沒有預設目錄）。
find-offline = 已開啟離線模式：不會搜尋目錄。
label-find-query = 姓名、電郵地址或序號
btn-find-name = 按姓名搜尋
btn-find-email = 按電郵搜尋
btn-find-serial = 按序號搜尋
status-searching = 正在搜尋目錄…
find-none = 找不到任何結果。
dir-valid = 有效
dir-revoked = 已被撤銷
dir-expired = 已過期
dir-not-yet-valid = 尚未生效
dir-untrusted = 並非來自受信任的機關
dir-invalid = 無效
dir-undetermined = 無法檢查
dir-malformed = 不是可讀的證書
title-remove = 移除電子證書
remove-what = 將從卡中移除 { $owner } 的電子證書（{ $key }）。以它作出的簽署仍然有效；但你不能再用它簽署或登入。
remove-backup = 移除前會先把證書備份至 { $path }
remove-understood = 我明白，並已準備好在需要時申請新的電子證書
btn-remove-start = 移除…
btn-remove-confirm = 是的，移除
status-removed = 已移除。備份在 { $path }。
btn-install-start = 從檔案安裝…
title-install = 安裝電子證書檔案
install-piv-note = 檔案的密碼匙會載入卡內，作為{ $key }。卡內的密碼匙無法再讀出，請妥善保存檔案。不支援匯入密碼匙的卡會如實顯示，屆時不會寫入任何內容。
label-token-pin = 儲存裝置的密碼
btn-install = 安裝
status-installed = 已安裝：密碼匙及證書已在儲存裝置上。

# Diagnostics and card names
label-virtual-card = 虛擬智能卡（vsmartcard）
diag-service = { $os ->
    [windows] 智能卡服務（Smart Card，SCardSvr）
    [macos] 智能卡服務（CryptoTokenKit）
   *[other] 智能卡服務（pcscd）
}
diag-service-running = 運行中
diag-service-failed = 無法使用：{ $error }
diag-starting = 正在尋找讀卡器…
diag-none = 未找到
diag-module-loaded = 已載入
diag-version = { -app-name } { $version }（{ $os }）
diag-report-note = 複製的報告只列出裝置和軟件：不含姓名、身份證號碼或證書。

# File picker
btn-browse = 選擇檔案…
picker-title = 選擇檔案
picker-up = 上一層資料夾
picker-home = 主資料夾
picker-documents = 文件
picker-empty = 這裏沒有資料夾或相符的檔案
# Certificate page tabs
tab-general = 一般
tab-details = 詳細資料
tab-chain = 證書鏈
tab-revocation = 撤銷狀態
label-ecert-type = 電子證書類別
label-status = 狀態
badge-trusted = 可信
badge-not-trusted = 不可信
badge-revoked = 已被撤銷
badge-unknown = 無法檢查
badge-not-checked = 尚未檢查
btn-export-der = 另存為 DER 檔案
btn-copy-pem = 複製 PEM
status-pem-copied = 已複製：證書（PEM）已放在剪貼簿。
btn-open-folder = 開啟資料夾
status-folder-error = 無法開啟資料夾：{ $error }
label-critical = 關鍵
label-could-not-read = 無法讀取
label-details-unreadable = 無法讀取這張證書的詳細資料。
field-version = 版本
field-serial = 序號
field-signature-algorithm = 簽署演算法
field-issuer = 簽發機構
field-subject = 主體
field-not-before = 有效期開始
field-not-after = 有效期結束
field-public-key = 公開密碼匙
field-sha1 = SHA-1 指紋
field-sha256 = SHA-256 指紋
ext-basic-constraints = 基本限制
ext-key-usage = 密碼匙用途
ext-ext-key-usage = 延伸密碼匙用途
ext-subject-alt-name = 主體別名
ext-issuer-alt-name = 簽發機構別名
ext-authority-key-id = 簽發機構密碼匙識別碼
ext-subject-key-id = 主體密碼匙識別碼
ext-crl-distribution-points = 撤銷清單（CRL）發佈點
ext-authority-info-access = 簽發機構資訊存取
ext-certificate-policies = 證書政策
chain-not-checked = 尚未檢查證書鏈。請按「檢查有效性」。
rev-source = 來源
rev-checked-at = 檢查時間
rev-this-update = 本次更新
rev-next-update = 下次更新
rev-next-none = 未有提供
rev-status-good = 未被撤銷
rev-status-revoked = 已於 { $date } 被撤銷
rev-status-unknown = 無法確定撤銷狀態：{ $detail }
rev-off = 未檢查 — 設定中已關閉撤銷檢查。
rev-anchor = 受信任的根證書不作撤銷檢查。
rev-no-chain = 未能建立通往受信任根證書的證書鏈，因此沒有檢查撤銷狀態。
rev-where = 可在以下位置檢查（證書所載）
kind-hk-personal = 香港郵政電子證書（個人）
kind-hk-organisational = 香港郵政電子證書（機構）
kind-hk-organisational-role = 香港郵政電子證書（機構職位）
kind-hk-encipherment = 香港郵政電子證書（加密）
kind-hk-server = 香港郵政電子證書（伺服器）
kind-hk-other = 香港郵政電子證書
kind-mo-qualified = eSignTrust 合格證書
kind-mo-normalised = eSignTrust 普通證書
kind-mo-encipherment = eSignTrust 加密證書
kind-mo-server = eSignTrust 伺服器證書
kind-mo-other = eSignTrust 證書
kind-ca = 核證機關
kind-server = 伺服器（TLS）
kind-encipherment = 加密
kind-personal-signing = 個人簽署

# Token software in Settings
btn-add-module = 加入儲存裝置軟件…
btn-remove-module = 停止使用
module-source-user = 由你加入
module-source-env = 來自 ECERT_PKCS11_MODULES
module-source-p11kit = 已在系統登記（p11-kit）
module-source-known = 在常用位置找到
status-module-added = 已加入 { $path }。載入後，其智能卡和儲存裝置會在清單中出現。
status-module-removed = 已停止使用：{ $path }
status-module-missing = { $path } 不是檔案。

# Key, request, import, signature and renewal dialogs
keys-file-note = 電子證書檔案不能在此產生密碼匙、載入證書或簽署。請選擇卡或 PKCS#11 儲存裝置。
keys-no-card-note = 請先選擇卡或儲存裝置。沒有 PIV 卡的讀卡器不能進行此操作。
keys-no-free-slot = 這張卡上所有密碼匙位置都已有電子證書。請先移除一張，或使用另一張卡。
label-pin = 密碼
title-keygen = 產生密碼匙及證書申請
keygen-what = 新的密碼匙會在卡上產生，永不離開卡。你會得到一個申請檔案，交給你的核證機關。
label-key-location = 密碼匙位置
label-key-type = 密碼匙類型
label-request-name = 申請上的名稱（與電子證書上相同）
status-making-key = 正在產生密碼匙…
status-signing-request = 正在簽署申請…
status-saving-request = 正在儲存申請…
status-request-saved = 申請已儲存至 { $path }
keygen-next = 下一步：把這個檔案交給你的核證機關。收到簽發的電子證書後，請使用「匯入已簽發的證書…」。
btn-keygen = 產生
btn-keygen-start = 產生密碼匙及申請…
err-request-name = 這個名稱不能用於申請。
rec-request-name = 請輸入電子證書上應顯示的名稱，例如 Chan Tai Man。
err-request-save = 未能儲存申請。
title-import = 匯入已簽發的證書
label-cert-file = 證書檔案（PEM 或 DER）
btn-read-file = 讀取檔案
status-reading = 正在讀取檔案…
import-owner = 持有人：{ $owner }
import-validity = 有效期由 { $from } 至 { $to }
import-key-found = 它的密碼匙在卡上位置 { $slot }。
import-choose-slot = 本程式不知道這張證書屬於哪個密碼匙。請選擇位置；寫入前卡會先核對密碼匙是否相符。
btn-import = 匯入
btn-import-start = 匯入已簽發的證書…
status-imported = 已匯入：證書已在卡上，與其密碼匙放在一起。
err-import-read = 不能使用這個檔案。
err-import-no-cert = 檔案內沒有證書
title-sign = 測試簽署
sign-what = 卡會以 { $owner } 的電子證書（{ $key }）簽署一段簡短的測試訊息，然後本程式以該電子證書核對簽署。
sign-unsupported-key = 不能在此測試這張電子證書的密碼匙類型。
btn-sign = 簽署
btn-sign-start = 測試簽署…
status-signing = 正在簽署…
status-signature-good = 你的卡已簽署，而簽署與你的電子證書核對相符。
err-signature-bad = 卡已簽署，但簽署與這張電子證書不符：這個位置的密碼匙並非電子證書的密碼匙。
title-renew = 續期或更換電子證書
renew-what = 會為 { $owner } 的電子證書（現為卡上的{ $key }）產生新的密碼匙，並為核證機關儲存一份申請。
renew-old-stays = 在續期的電子證書經核對及儲存之前，你現有的電子證書會留在卡上並繼續使用。
renew-request-saved = 第一步已完成：申請已儲存至 { $path }。請交給你的核證機關，然後載入他們簽發的續期電子證書。
label-renewed-file = 續期的電子證書（PEM 或 DER 檔案）
status-checking-renewed = 正在核對及儲存續期的電子證書…
status-renewed = 完成：續期的電子證書已在卡上，舊的已移除。
btn-renew-open = 續期…
btn-renew-start = 產生密碼匙及申請
btn-renew-load = 載入續期的電子證書

# Empty state: a card no software knows
empty-software-title = 這張卡需要其製造商的軟件
empty-software-body = 請安裝隨智能卡或儲存裝置提供的軟件（PKCS#11 模組）；如它未自動出現，請在「設定」→「儲存裝置軟件」中加入。此視窗會自動更新。
# Certificate page tabs (continued)
kind-with-mutual-recognition = { $kind }（具「互認」資格）
btn-browse-ecert = 選擇電子證書檔案…

# Counter screen
btn-counter = 櫃位
title-counter = 郵政局櫃位
counter-no-data = 這個使用者沒有資料夾，無法記錄任何操作：此處不能使用櫃位功能。
counter-label-operator = 操作員名稱
btn-counter-sign-in = 登入
btn-counter-sign-out = 登出
counter-signed-in = 已登入：{ $operator }。所有操作均以此名稱記錄。
counter-sign-in-first = 請先以操作員身分登入：櫃位的每項操作都會以操作員名稱記錄。
counter-no-card = 請插入市民的卡，並在左邊選擇它。
counter-card = 卡：{ $card }
counter-checking-card = 正在檢查這張卡有沒有未完成的工作…
counter-pending = 這張卡有未完成的工作 { $job }（{ $kind }，位置 { $slot }）：{ $status }。
counter-kind-enroll = 新電子證書
counter-kind-remove = 移除
counter-status-running = 工作曾被中斷，請繼續或復原
counter-status-awaiting = 申請已送出，請領取已簽發的證書
btn-counter-resume = 繼續
btn-counter-rollback = 復原
btn-counter-enroll = 申請
btn-counter-collect = 領取
btn-counter-remove = 移除
btn-counter-enroll-now = 產生密碼匙及申請
btn-counter-collect-now = 檢查並儲存已簽發的電子證書
btn-counter-remove-now = 移除電子證書
counter-label-subject = 申請的主體（例如 CN=CHAN Tai Man）
counter-label-outbox = 寄出資料夾（申請檔案寫在這裏）
counter-label-inbox = 收件資料夾（在這裏領取已簽發的證書）
counter-collect-none = 這張卡沒有等待證書的工作：請先申請。
counter-collect-expects = 請把已簽發的證書以 { $file } 為名放入收件資料夾，然後按「領取」。
counter-label-remove-slot = 要移除的電子證書
counter-label-backup = 備份檔案（移除前先寫入）
counter-label-confirm = 請再輸入一次位置以確認：{ $slot }
counter-confirm-mismatch = 再次輸入的位置不相符。
counter-no-certs = 這張卡沒有可移除的電子證書。
counter-busy-card = 正在處理這張卡…
counter-enrolled = 工作 { $job }：申請已儲存於 { $path }。請把已簽發的證書以 { $job }.pem 為名放入收件資料夾，然後領取。
counter-collected = 工作 { $job }：已簽發的電子證書已通過檢查並儲存到卡上。
counter-receipt-saved = 收據已儲存於 { $path }：
counter-removed = 已移除位置 { $slot } 的電子證書；備份在 { $path }。
counter-job-done = 工作 { $job }：已完成。
counter-job-rolled-back = 工作 { $job }：已復原，卡回復原狀。
counter-job-waiting = 工作 { $job }：正在等待已簽發的證書。
counter-job-running = 工作 { $job }：仍在進行。
counter-err-file = 無法讀取或寫入櫃位的檔案。
counter-err-audit = 這項操作未能記錄在審計記錄中。請停止操作並通知主管。
counter-err-intent = 這項操作未能記錄在審計記錄中，因此沒有改動卡。請停止操作並通知主管。
counter-err-backup-exists = 該處已有檔案，請選擇另一個備份檔案
title-counter-log = 今次使用期間的審計記錄
counter-no-log = 今次使用期間尚未有記錄。

# Counter mode setting
label-counter-mode = 郵政局櫃位模式（供櫃位職員使用）

# Management key prompt
label-mgmt-key = 智能卡管理密鑰（48 個十六進制數字；AES 為 32 或 64 個）
mgmt-key-why = 智能卡拒絕了出廠管理密鑰：這張卡的管理密鑰已被更改（YubiKey 常見）。請向為你設定這張卡的人查詢新密鑰（YubiKey 即在 YubiKey Manager 設定的密鑰）。密碼的嘗試次數沒有減少。
mgmt-key-refused = 智能卡亦拒絕了這個管理密鑰。請核對後再輸入。
mgmt-key-not-hex = 管理密鑰以十六進制書寫：只可包含 0–9 及 A–F（可加空格及冒號）。沒有傳送任何資料。
mgmt-key-length = 這個密鑰有 { $digits } 個十六進制數字；須為 48 個（3DES 或 AES-192）、32 個（AES-128）或 64 個（AES-256）。沒有傳送任何資料。

# Interrupted renewal
renew-interrupted = 續期在中途停止了（新密碼匙可能已在卡上）。再按一次按鈕可繼續，或取消續期：兩者都不會影響你現有的電子證書。
btn-renew-cancel = 取消這次續期
renew-cancelled = 續期已取消。你現有的電子證書沒有改變。

# Key usages in plain words (Details tab)
usage-digital-signature = 數碼簽署
usage-non-repudiation = 不可否認（具法律效力的簽署）
usage-key-encipherment = 加密密碼匙
usage-data-encipherment = 加密資料
usage-key-agreement = 密碼匙協商
usage-key-cert-sign = 簽發證書
usage-crl-sign = 簽署撤銷清單
usage-server-auth = 識別網站伺服器（TLS）
usage-client-auth = 登入（TLS 用戶端）
usage-code-signing = 簽署軟件
usage-email-protection = 簽署及加密電郵
usage-time-stamping = 時間戳記
usage-ocsp-signing = 簽署 OCSP 回覆
usage-smartcard-logon = Windows 智能卡登入
usage-document-signing = 簽署文件

# Who renews this e-Cert (under the expiry banner)
renew-advice-hkpost = 香港郵政電子證書由香港郵政核證機關續期：請瀏覽 www.ecert.gov.hk 或到郵政局查詢。請先按「續期…」，在這張卡上產生新密碼匙及申請。
renew-advice-esigntrust = eSignTrust 證書由澳門郵電的 eSignTrust 續期：請瀏覽 www.esigntrust.com 或前往其服務櫃位。請先按「續期…」，在這張卡上產生新密碼匙及申請。
renew-advice-demo = 這是示範電子證書，沒有機關會為它續期。按「續期…」可試行各步驟。
renew-advice-other = 請向簽發機關（{ $issuer }）申請續期證書。請先按「續期…」，在這張卡上產生新密碼匙及申請。

# Basic constraints in words (Details tab)
bc-end-entity = 並非核證機關
bc-ca = 核證機關
bc-ca-path = 核證機關，其下最多再有 { $n } 層

# A job the card's journal says was interrupted
title-unfinished = 完成中斷了的工作
unfinished-renew = 位置 { $slot } 的電子證書續期做到一半停了（卡被取出或程式關閉）。
unfinished-renew-waiting = 位置 { $slot } 的電子證書正在續期，等待核證機關簽發的續期電子證書。
unfinished-remove = 移除位置 { $slot } 的電子證書做到一半停了（卡被取出或程式關閉）。
unfinished-enroll = 把新電子證書放入位置 { $slot } 做到一半停了（卡被取出或程式關閉）。
unfinished-enroll-waiting = 已為位置 { $slot } 申請新電子證書，但尚未儲存。
unfinished-safe = 沒有任何東西遺失：每一步在進行前都已記錄在這部電腦上。「繼續」會完成工作；「還原」會把卡回復到開始前的狀態。
unfinished-done = 完成：工作已完成。
unfinished-undone = 已還原：卡已回復到工作開始前的狀態。
unfinished-continued-waiting = 已繼續：申請已發出；核證機關簽發續期電子證書後，請在此載入。
btn-unfinished-open = 繼續或還原…
btn-unfinished-continue = 繼續
btn-unfinished-undo = 還原

# Certificate directory errors (message, then what to do)
err-dir-bad-url = 這個目錄地址無法使用：{ $url }（{ $detail }）。
rec-dir-bad-url = 請輸入核證機關公佈的 ldap://、ldaps:// 或 http:// 地址。
err-dir-unreachable = 無法連接目錄 { $url }（{ $detail }）。
rec-dir-unreachable = 請檢查網絡連線及地址，然後再試。
err-dir-timeout = 目錄 { $url } 未能及時回應。
rec-dir-timeout = 請稍後再試，或把搜尋範圍收窄。
err-dir-too-many = 目錄 { $url } 中有超過 { $limit } 個相符項目。
rec-dir-too-many = 請輸入更多姓名資料，或以電郵地址或序號搜尋。
err-dir-refused = 目錄 { $url } 拒絕了搜尋（{ $detail }）。
rec-dir-refused = 請檢查目錄的搜尋起點，或向管理該目錄的核證機關查詢。
err-dir-malformed = 目錄傳來的內容並非有效的 { $expected }（{ $dn }）。
rec-dir-malformed = 有關內容沒有被使用。請通知管理該目錄的核證機關。
err-dir-tls = 無法與目錄 { $url } 建立安全連線（{ $detail }）。
rec-dir-tls = 這部電腦不信任它的證書，或它不提供 TLS。請檢查地址（ldaps:// 或 StartTLS），並確保這部電腦的受信任證書已更新。沒有進行任何搜尋。
err-dir-protocol = 目錄 { $url } 的回應無法讀取（{ $detail }）。
rec-dir-protocol = 請稍後再試；如問題持續，請檢查地址。
err-dir-offline = 離線模式已開啟：不會連接任何目錄。
rec-dir-offline = 請在設定中關閉離線模式，才可搜尋目錄。
err-dir-bad-query = 無法進行這個搜尋：{ $detail }。
rec-dir-bad-query = 請輸入部分姓名、電郵地址，或十六進制序號（0–9、A–F）。

## Files (careful_file): private, atomic, never overwritten unasked
err-file-exists = { $path } 已存在，沒有覆寫。
rec-file-exists = 請另選名稱。如確定要取代，可在指令提供時使用 --force。
err-file-io = 無法寫入 { $path }（{ $detail }）。原有檔案沒有改動。
rec-file-io = 請檢查資料夾是否存在、你是否有寫入權限，以及磁碟是否已滿。
err-file-no-data-dir = 此用戶沒有資料夾（找不到主資料夾）。
rec-file-no-data-dir = 請把 ECERT_DATA_DIR 設為只有你可讀取的資料夾。
err-salt-damaged = 本機安裝密鑰 { $path } 已損壞。由於已儲存的工作依賴此檔案，檔案維持原狀。
rec-salt-damaged = 請從備份還原此檔案。如沒有備份，可把它移走，但卡上未完成的工作將無法找回。

## One card, one journal (card_proof)
err-not-this-card = 未完成的工作 { $id } 無法在這張卡上安全地繼續或還原：{ $reason }沒有作出任何更改。
rec-not-this-card = 請插入開始這項工作時所用的卡。如那張卡已不在，這項工作無法在此完成。
card-mismatch-anchor = 這張卡的識別碼與開始工作時的卡不同。
card-mismatch-certificate = { $location } 的證書與工作所屬的卡不同。
card-mismatch-touched = { $location } 有一張既非工作開始時已有、亦非工作寫入的證書。
card-mismatch-no-evidence = 這張卡沒有識別碼，亦沒有可證明是哪張卡的證書。
card-mismatch-old-journal = 這項工作由舊版本以讀卡器名稱（而非卡本身）記錄。
err-offline-forbids-online = 離線模式已開啟（設定檔 { $path }）：不會經網絡作任何檢查。
rec-offline-forbids-online = 請在設定中關閉離線模式（或在該檔案中設定 "offline": false），再進行網上檢查；或不使用 --online 檢查。
reason-revocation-too-old = 無法判斷：唯一的撤銷回覆沒有「下次更新」日期，且已超過 { $days } 日，可能是被重播的舊回覆。（{ $detail }）
reason-responder-refused = 無法判斷：代表核證機關回覆的伺服器不可信賴。（{ $detail }）
reason-work-limit = 無法判斷：檢查所需的步驟或下載次數超出單次驗證的上限。
err-dir-elsewhere = 找到的證書指向 { $url }，但那不是正在搜尋的目錄（{ $directory }），因此沒有連接。
rec-dir-elsewhere = 如要使用該伺服器，請把它另行加入為目錄再搜尋。
err-key-import-unsupported = 這張卡不能從檔案載入密碼匙：它不支援匯入密碼匙。卡上沒有寫入任何內容。
rec-key-import-unsupported = 請使用支援匯入密碼匙的卡（例如 YubiKey），或使用 PKCS#11 裝置。
err-key-type-unsupported = 卡不能存放這類密碼匙（{ $detail }）。卡上沒有寫入任何內容。
rec-key-type-unsupported = PIV 卡可存放 RSA-2048、P-256 及 P-384 密碼匙。請向證書簽發機構索取載有這類密碼匙的檔案，或使用 PKCS#11 裝置。
unfinished-install = 把電子證書檔案安裝到位置 { $slot } 做到一半停了（卡被取出或程式關閉）。
err-install-needs-file = 中斷的安裝在卡取得新密碼匙前已停止。
rec-install-needs-file = 請再次安裝同一個電子證書檔案以完成，或還原中斷的工作。
err-install-slot-in-use = 位置 { $location } 已有電子證書。
rec-install-slot-in-use = 請選擇空置的位置。如要以電子證書檔案取代該處的電子證書，請為它提供備份檔案（其密碼匙會被取代，無法復原）。

# Plain words on citizen paths (issue 16)
btn-save-copy = 儲存副本…
label-signing-key = 簽署用密碼匙
label-auth-key = 身份認證用密碼匙
label-card-auth-key = 智能卡登入用密碼匙
label-encryption-key = 加密用密碼匙
label-key-slot = 位置 { $slot }
label-key-purpose = 卡上的密碼匙
status-not-a-certificate = 這個檔案沒有證書
status-file-not-opened = 無法在此開啟這個檔案：{ $path }。電子證書管理程式可開啟電子證書檔案（.p12、.pfx）及證書（.cer、.crt、.der、.pem）。
badge-trusted-demo = 有效 · 示範
badge-trusted-demo-note = 示範核證機關只在示範卡上受信任，絕不用於真實的電子證書。
