-app-name = e-Cert Manager

app-title = { -app-name }
title-readers = Card readers
title-tokens = Cards and tokens
title-certificates = Certificates
title-language = Language
title-text-size = Text size

label-card-present = Card inserted
label-no-card = No card
label-card-in-use = In use by another program
label-unknown-card = Card not recognised
label-atr = ATR { $atr }
label-hk-smart-id = Hong Kong smart ID card
label-piv-card = Smart card (PIV)
label-pkcs11-token = Token
label-e-cert-file = e-Cert file
label-pin-tries = { $tries ->
    [one] PIN: 1 try left
   *[other] PIN: { $tries } tries left
}
label-pin-final = PIN: one try left — a wrong PIN blocks it
label-pin-blocked = PIN blocked
label-pin-ok = PIN set
label-days-left = { $days ->
    [one] 1 day left
   *[other] { $days } days left
}
label-expired = Expired
label-issued-by = Issued by { $issuer }
label-slot = Slot { $slot }
label-unreadable = This object is not a readable certificate.

empty-service-title = The smart-card service is not running
empty-service-body = { $os ->
    [windows] Start the Windows "Smart Card" service (SCardSvr): open Services, find "Smart Card", set it to Automatic and start it. This window updates by itself when it runs.
    [macos] macOS runs its smart-card service by itself: unplug the reader and plug it in again, or restart the Mac. This window updates by itself when it runs.
   *[other] Start it (on Debian: install "pcscd" and start it). This window updates by itself when it runs.
}
empty-no-reader-title = No card reader found
empty-no-reader-body = Connect a card reader, or insert a USB e-Cert token.
empty-no-card-title = Insert your card
empty-no-card-body = Put your smart ID card into the reader, or connect your e-Cert token.
empty-choose = Choose a card or token on the left to see its certificates.
empty-no-certs = There is no certificate on this card or token.
status-loading = Reading the certificates…

err-card-removed = The card was removed.
rec-card-removed = Insert the card again and wait until it is shown.
err-service = The smart-card service is not available.
rec-service = { $os ->
    [windows] Start the Windows "Smart Card" service (SCardSvr) in Services and try again.
   *[other] Start the smart-card service (pcscd) and try again.
}
err-card-busy = Another program is using the card.
rec-card-busy = Close the other program and try again.
err-not-piv = This card has no certificate application this tool can use.
rec-not-piv = Cards like the Hong Kong smart ID card need their issuer's PKCS#11 software.
err-wrong-pin = Wrong PIN. { $tries } tries left.
rec-wrong-pin = Check the PIN and try again. A card blocks after too many wrong PINs.
err-pin-blocked = The PIN is blocked.
rec-pin-blocked = Unblock it with the PUK (or the token's administrator PIN).
err-pin-format = The PIN must be 6 to 8 digits.
rec-pin-format = Nothing was sent to the card; no try was used.
err-key-mismatch = This certificate does not belong to the key on the card.
rec-key-mismatch = Nothing was written. Use the certificate issued for this card.
err-wrong-password = Wrong password for the e-Cert file.
rec-wrong-password = Check the password; nothing was changed.
err-not-p12 = This file is not an e-Cert file (PKCS#12).
rec-not-p12 = Choose the .p12 or .pfx file you received.
err-location-in-use = That place on the card already holds a key.
rec-location-in-use = Nothing was changed. Remove the old certificate first (a backup is offered).
err-pkcs11 = The token software reported an error ({ $code }).
rec-pkcs11 = Check that the token is inserted and its software is installed, then try again.
err-other = Something went wrong: { $detail }
rec-other = Nothing was changed. Try again; if it persists, copy the diagnostics report.
err-internal = e-Cert Manager hit an internal error and stopped this request: { $detail }
rec-internal = The app is still running. If a card was being changed, take it out, insert it again and look at its certificates; a job that was cut short is offered to continue or undo. Please report this with the diagnostics report.

title-change-pin = Change PIN
title-unblock-pin = Unblock PIN
title-certificate = Certificate
label-current-pin = Current PIN
label-puk = PUK (unblocking code)
label-new-pin = New PIN
label-repeat-pin = New PIN again
label-owner = Owner
label-issuer = Issuer
label-serial = Serial number
label-valid-from = Valid from
label-valid-until = Valid until
label-fingerprint = SHA-256 fingerprint
banner-expiring = { $days ->
    [one] This e-Cert expires tomorrow. Apply to your certification authority for a renewed e-Cert, then load it here.
   *[other] This e-Cert expires in { $days } days. Apply to your certification authority for a renewed e-Cert, then load it here.
}
banner-expired = This e-Cert has expired. Apply to your certification authority for a new one.
status-pin-changed = Done. Use the new PIN from now on.
status-working = Working…
status-exported = Saved to { $path }
err-pin-mismatch = The two new PINs differ. Nothing was sent to the card.
btn-apply = Apply
btn-close = Close
btn-back = Back
btn-change-pin = Change PIN
btn-unblock-pin = Unblock PIN
btn-export-pem = Save as PEM file

title-settings = Settings
title-diagnostics = Diagnostics
title-trust-anchors = Trusted root certificates
title-modules = Token software (PKCS#11 modules)
label-high-contrast = High contrast
label-revocation = Check revocation online (uses the network; off keeps everything offline)
label-on = On
label-off = Off
label-bundled = bundled
label-service-running = Smart-card service: running
label-service-stopped = Smart-card service: not running
label-version = Version { $version }
label-module-error = cannot be used: { $error }
btn-settings = Settings
btn-diagnostics = Diagnostics
btn-copy-report = Copy report
status-copied = Report copied. It holds no names or ID numbers.
status-settings-error = Settings could not be saved: { $error }
err-wrong-secret = Wrong PIN or PUK.
title-files = e-Cert files
label-file-path = Path of a .p12 or .pfx file
label-file-password = Password of the e-Cert file
btn-open-file = Open
btn-unlock = Show certificates
btn-verify = Check validity
status-verifying = Checking the certificate…
verdict-valid = Trusted: it chains to a trusted root and all checks passed
verdict-invalid = Not trusted
verdict-undetermined = Could not be checked
title-chain = Certificate chain
label-trusted-root = trusted root
label-rev-good = not revoked ({ $source })
label-rev-revoked = revoked
label-rev-unknown = revocation unknown
label-rev-not-checked = revocation not checked (revocation checking is off in Settings)
label-weak-signature = signed with SHA-1 (weak)
reason-no-path = No chain to a trusted root was found: the issuing authority is missing or not trusted.
reason-expired = A certificate in the chain has expired.
reason-not-yet-valid = A certificate in the chain is not valid yet. Check the computer's date.
reason-revoked = The certification authority has revoked this certificate.
reason-revocation-unknown = Whether it has been revoked could not be checked: { $detail }
reason-bad-signature = A signature in the chain does not verify: a certificate may have been altered.
reason-other = { $detail }
btn-open-demo = Open the demo card
empty-demo-hint = No card at hand? The demo card holds sample e-Certs from a demo authority, so you can try every screen.
label-demo-card = Demo card (sample e-Certs, not real)
label-demo-pin = PIN { $pin }
date = { $day }/{ $month }/{ $year }
label-user-anchor = added by you
label-system-anchor = from the system
label-anchor-path = Trust another certification authority: path of its certificate
btn-check = Check
anchor-confirm = Trust “{ $subject }” to vouch for e-Certs? Compare this SHA-256 fingerprint with the one the authority publishes: { $fingerprint }
btn-trust = Trust it
btn-cancel = Cancel
btn-remove = Remove
status-anchor-added = The certification authority was added.
status-anchor-removed = The certification authority was removed.
btn-find = Find a certificate
title-find = Find a certificate in a directory
find-no-directory = No certificate directory is set up. Add your certification authority's directory with `ecert directory add NAME ldap://…` (none is preset).
find-offline = Offline mode is on: directories are not searched.
label-find-query = Name, e-mail address or serial number
btn-find-name = Search by name
btn-find-email = Search by e-mail
btn-find-serial = Search by serial number
status-searching = Searching the directory…
find-none = Nothing was found.
dir-valid = Valid
dir-revoked = Revoked
dir-expired = Expired
dir-not-yet-valid = Not valid yet
dir-untrusted = Not from a trusted authority
dir-invalid = Not valid
dir-undetermined = Could not be checked
dir-malformed = Not a readable certificate
title-remove = Remove an e-Cert
remove-what = The e-Cert of { $owner } (the card's { $key }) will be removed from the card. Signatures made with it stay valid; you can no longer sign or log in with it.
remove-backup = A backup copy of the certificate is saved first, to { $path }
remove-understood = I understand, and I have what I need to get a new e-Cert if I want one
btn-remove-start = Remove…
btn-remove-confirm = Yes, remove it
status-removed = Removed. The backup is in { $path }.
btn-install-start = Install from a file…
title-install = Install an e-Cert file
install-piv-note = The file's key goes into the card, as its { $key }. A key in a card can never be read out again, so keep the file safe. Cards that do not offer key import say so, and nothing is written then.
label-token-pin = PIN of the token
btn-install = Install
status-installed = Installed: the key and the certificate are on the token.

# Diagnostics and card names
label-virtual-card = Virtual smart card (vsmartcard)
diag-service = { $os ->
    [windows] Smart-card service (Smart Card, SCardSvr)
    [macos] Smart-card service (CryptoTokenKit)
   *[other] Smart-card service (pcscd)
}
diag-service-running = Running
diag-service-failed = Not usable: { $error }
diag-starting = Looking for readers…
diag-none = None found
diag-module-loaded = Loaded
diag-version = { -app-name } { $version } ({ $os })
diag-report-note = The copied report lists devices and software only: no names, ID numbers or certificates.

# File picker
btn-browse = Choose a file…
picker-title = Choose a file
picker-up = Up one folder
picker-home = Home
picker-documents = Documents
picker-empty = No folders or matching files here
# Certificate page tabs
tab-general = General
tab-details = Details
tab-chain = Chain
tab-revocation = Revocation
label-ecert-type = e-Cert type
label-status = Status
badge-trusted = Trusted
badge-not-trusted = Not trusted
badge-revoked = Revoked
badge-unknown = Could not check
badge-not-checked = Not checked yet
btn-export-der = Save as DER file
btn-copy-pem = Copy PEM
status-pem-copied = Copied: the certificate (PEM) is on the clipboard.
btn-open-folder = Open folder
status-folder-error = The folder could not be opened: { $error }
label-critical = critical
label-could-not-read = could not read
label-details-unreadable = The details of this certificate could not be read.
field-version = Version
field-serial = Serial number
field-signature-algorithm = Signature algorithm
field-issuer = Issuer
field-subject = Subject
field-not-before = Not before
field-not-after = Not after
field-public-key = Public key
field-sha1 = SHA-1 fingerprint
field-sha256 = SHA-256 fingerprint
ext-basic-constraints = Basic constraints
ext-key-usage = Key usage
ext-ext-key-usage = Extended key usage
ext-subject-alt-name = Subject alternative name
ext-issuer-alt-name = Issuer alternative name
ext-authority-key-id = Authority key identifier
ext-subject-key-id = Subject key identifier
ext-crl-distribution-points = CRL distribution points
ext-authority-info-access = Authority information access
ext-certificate-policies = Certificate policies
chain-not-checked = The chain has not been checked yet. Press "Check validity".
rev-source = Source
rev-checked-at = Checked
rev-this-update = This update
rev-next-update = Next update
rev-next-none = not given
rev-status-good = Not revoked
rev-status-revoked = Revoked on { $date }
rev-status-unknown = The revocation status could not be determined: { $detail }
rev-off = Not checked — revocation checking is off in Settings.
rev-anchor = A trusted root certificate is not checked for revocation.
rev-no-chain = No chain to a trusted root was built, so revocation was not checked.
rev-where = Where it can be checked (from the certificate)
kind-hk-personal = Hongkong Post e-Cert (Personal)
kind-hk-organisational = Hongkong Post e-Cert (Organisational)
kind-hk-organisational-role = Hongkong Post e-Cert (Organisational Role)
kind-hk-encipherment = Hongkong Post e-Cert (Encipherment)
kind-hk-server = Hongkong Post e-Cert (Server)
kind-hk-other = Hongkong Post e-Cert
kind-mo-qualified = eSignTrust Qualified Certificate
kind-mo-normalised = eSignTrust Normalised Certificate
kind-mo-encipherment = eSignTrust Encipherment Certificate
kind-mo-server = eSignTrust server certificate
kind-mo-other = eSignTrust certificate
kind-ca = Certificate authority
kind-server = Server (TLS)
kind-encipherment = Encipherment
kind-personal-signing = Personal signing

# Token software in Settings
btn-add-module = Add token software…
btn-remove-module = Stop using
module-source-user = Added by you
module-source-env = From ECERT_PKCS11_MODULES
module-source-p11kit = Registered with the system (p11-kit)
module-source-known = Found in a usual place
status-module-added = Added { $path }. Its cards and tokens appear in the list when it loads.
status-module-removed = No longer used: { $path }
status-module-missing = { $path } is not a file.

# Key, request, import, signature and renewal dialogs
keys-file-note = An e-Cert file cannot make keys, take certificates or sign here. Choose a card or a PKCS#11 token.
keys-no-card-note = Choose a card or token first. A reader without a PIV card cannot do this.
keys-no-free-slot = Every key location on this card already holds an e-Cert. Remove one first, or use another card.
label-pin = PIN
title-keygen = Generate a key and a certificate request
keygen-what = A new key is made on the card and never leaves it. You get a request file to send to your certification authority.
label-key-location = Where the key goes
label-key-type = Key type
label-request-name = Name for the request (as on the e-Cert)
status-making-key = Making the key…
status-signing-request = Signing the request…
status-saving-request = Saving the request…
status-request-saved = The request is saved in { $path }
keygen-next = Next: send this file to your certification authority. When they issue your e-Cert, use "Import issued certificate…".
btn-keygen = Generate
btn-keygen-start = Generate key and request…
err-request-name = This name cannot go into a request.
rec-request-name = Type the name as it should appear on the e-Cert, for example Chan Tai Man.
err-request-save = The request could not be saved.
title-import = Import an issued certificate
label-cert-file = Certificate file (PEM or DER)
btn-read-file = Read the file
status-reading = Reading the file…
import-owner = For: { $owner }
import-validity = Valid from { $from } to { $to }
import-key-found = Its key is on the card, in location { $slot }.
import-choose-slot = The app does not know which key this certificate is for. Choose the location; the card checks that the key matches before anything is written.
btn-import = Import
btn-import-start = Import issued certificate…
status-imported = Imported: the certificate is on the card, next to its key.
err-import-read = This file cannot be used.
err-import-no-cert = there is no certificate in this file
title-sign = Test signature
sign-what = The card signs a short test message with the key of { $owner }'s e-Cert (its { $key }); the app then checks the signature against the e-Cert.
sign-unsupported-key = This e-Cert's key type cannot be tested here.
btn-sign = Sign
btn-sign-start = Test signature…
status-signing = Signing…
status-signature-good = Your card signed, and the signature checks against your e-Cert.
err-signature-bad = The card signed, but the signature does not match this e-Cert: the key in this location is not the e-Cert's key.
title-renew = Renew or replace an e-Cert
renew-what = A new key is made for { $owner }'s e-Cert (now the card's { $key }), and a request is saved for the certification authority.
renew-old-stays = Your current e-Cert stays on the card and keeps working until the renewed one has been checked and stored.
renew-request-saved = Step 1 is done: the request is saved in { $path }. Send it to your certification authority, then load the renewed e-Cert they issue.
label-renewed-file = The renewed e-Cert (PEM or DER file)
status-checking-renewed = Checking and storing the renewed e-Cert…
status-renewed = Done: the renewed e-Cert is on the card, and the old one has been removed.
btn-renew-open = Renew…
btn-renew-start = Make the key and the request
btn-renew-load = Load the renewed e-Cert

# Empty state: a card no software knows
empty-software-title = This card needs its maker's software
empty-software-body = Install the token software (PKCS#11 module) that came with your card or token, then add it in Settings → Token software if it does not appear by itself. This window updates by itself.
# Certificate page tabs (continued)
kind-with-mutual-recognition = { $kind }, with Mutual Recognition status
btn-browse-ecert = Choose an e-Cert file…

# Counter screen
btn-counter = Counter
title-counter = Post-office counter
counter-no-data = There is no data folder for this user, so nothing could be recorded: the counter cannot be used here.
counter-label-operator = Operator name
btn-counter-sign-in = Sign in
btn-counter-sign-out = Sign out
counter-signed-in = Signed in: { $operator }. Every action is recorded under this name.
counter-sign-in-first = Sign in as an operator first: every action at the counter is recorded under an operator's name.
counter-no-card = Insert the citizen's card and choose it on the left.
counter-card = Card: { $card }
counter-checking-card = Checking this card for an unfinished job…
counter-pending = This card has an unfinished job { $job } ({ $kind }, location { $slot }): { $status }.
counter-kind-enroll = new e-Cert
counter-kind-remove = removal
counter-status-running = it was interrupted; resume it or roll it back
counter-status-awaiting = the request is out; collect the issued certificate
btn-counter-resume = Resume
btn-counter-rollback = Roll back
btn-counter-enroll = Enroll
btn-counter-collect = Collect
btn-counter-remove = Remove
btn-counter-enroll-now = Make the key and the request
btn-counter-collect-now = Check and store the issued e-Cert
btn-counter-remove-now = Remove the e-Cert
counter-label-subject = Subject of the request (e.g. CN=CHAN Tai Man)
counter-label-outbox = Outbox folder (the request is written here)
counter-label-inbox = Inbox folder (the issued certificate is picked up here)
counter-collect-none = No job on this card waits for its certificate: enroll first.
counter-collect-expects = Put the issued certificate in the inbox as { $file }, then press Collect.
counter-label-remove-slot = The e-Cert to remove
counter-label-backup = Backup file (written before anything is removed)
counter-label-confirm = Type the location again to confirm: { $slot }
counter-confirm-mismatch = The location typed again does not match.
counter-no-certs = This card holds no e-Cert to remove.
counter-busy-card = Working with the card…
counter-enrolled = Job { $job }: the request is saved in { $path }. Put the issued certificate in the inbox as { $job }.pem, then collect it.
counter-collected = Job { $job }: the issued e-Cert was checked and stored on the card.
counter-receipt-saved = The receipt is saved in { $path }:
counter-removed = Removed the e-Cert in { $slot }; the backup is in { $path }.
counter-job-done = Job { $job }: done.
counter-job-rolled-back = Job { $job }: rolled back — the card is as it was.
counter-job-waiting = Job { $job }: waiting for the issued certificate.
counter-job-running = Job { $job }: still running.
counter-err-file = A counter file could not be read or written.
counter-err-audit = The action was not recorded in the audit log. Stop and call your supervisor.
counter-err-intent = The action could not be recorded in the audit log, so the card was not touched. Stop and call your supervisor.
counter-err-backup-exists = a file is already there; choose another backup file
title-counter-log = This session's audit records
counter-no-log = Nothing recorded in this session yet.

# Counter mode setting
label-counter-mode = Post-office counter mode (for counter staff)

# Management key prompt
label-mgmt-key = Card management key (48 hex digits, or 32/64 for AES)
mgmt-key-why = The card refused the factory management key: it was changed on this card (common on YubiKeys). Whoever set up the card has the new key (for a YubiKey, the one set in YubiKey Manager). No PIN try was used.
mgmt-key-refused = The card refused this management key too. Check it and type it again.
mgmt-key-not-hex = A management key is written in hex: only 0–9 and A–F (spaces and colons are allowed). Nothing was sent.
mgmt-key-length = That key has { $digits } hex digits; it needs 48 (3DES or AES-192), 32 (AES-128) or 64 (AES-256). Nothing was sent.

# Interrupted renewal
renew-interrupted = The renewal stopped half way (the new key may already be on the card). Press the button again to continue it, or cancel it: your current e-Cert is not touched either way.
btn-renew-cancel = Cancel this renewal
renew-cancelled = The renewal was cancelled. Your current e-Cert is unchanged.

# Key usages in plain words (Details tab)
usage-digital-signature = Digital signature
usage-non-repudiation = Non-repudiation (legally binding signature)
usage-key-encipherment = Encrypting keys
usage-data-encipherment = Encrypting data
usage-key-agreement = Key agreement
usage-key-cert-sign = Signing certificates
usage-crl-sign = Signing revocation lists
usage-server-auth = Identifying a web server (TLS)
usage-client-auth = Logging in (TLS client)
usage-code-signing = Signing software
usage-email-protection = Signing and encrypting e-mail
usage-time-stamping = Time-stamping
usage-ocsp-signing = Signing OCSP answers
usage-smartcard-logon = Windows smart-card logon
usage-document-signing = Signing documents

# Who renews this e-Cert (under the expiry banner)
renew-advice-hkpost = Hongkong Post e-Certs are renewed by Hongkong Post Certification Authority: see www.ecert.gov.hk or ask at a post office. Press "Renew…" first to make the new key and the request on this card.
renew-advice-esigntrust = eSignTrust certificates are renewed by Macao Post's eSignTrust: see www.esigntrust.com or visit its service counter. Press "Renew…" first to make the new key and the request on this card.
renew-advice-demo = This is a demo e-Cert: no authority renews it. Press "Renew…" to try the steps.
renew-advice-other = Ask the authority that issued it ({ $issuer }) for a renewed certificate. Press "Renew…" first to make the new key and the request on this card.

# Basic constraints in words (Details tab)
bc-end-entity = Not a certification authority
bc-ca = A certification authority
bc-ca-path = A certification authority, with at most { $n } more below it

# A job the card's journal says was interrupted
title-unfinished = Finish an interrupted job
unfinished-renew = The renewal of the e-Cert in location { $slot } stopped half way (the card was removed or the app closed).
unfinished-renew-waiting = The renewal of the e-Cert in location { $slot } waits for the renewed e-Cert from your certification authority.
unfinished-remove = Removing the e-Cert in location { $slot } stopped half way (the card was removed or the app closed).
unfinished-enroll = Putting a new e-Cert into location { $slot } stopped half way (the card was removed or the app closed).
unfinished-enroll-waiting = A new e-Cert for location { $slot } was requested and is not stored yet.
unfinished-safe = Nothing is lost: every step was written down on this computer before it was done. Continue finishes the job; Undo puts the card back as it was before it started.
unfinished-done = Done: the job is finished.
unfinished-undone = Undone: the card is as it was before the job started.
unfinished-continued-waiting = Continued: the request is out; load the renewed e-Cert when your certification authority issues it.
btn-unfinished-open = Continue or undo…
btn-unfinished-continue = Continue
btn-unfinished-undo = Undo

# Certificate directory errors (message, then what to do)
err-dir-bad-url = This is not a directory address that can be used: { $url } ({ $detail }).
rec-dir-bad-url = Give an ldap://, ldaps:// or http:// address as your certification authority publishes it.
err-dir-unreachable = The directory { $url } cannot be reached ({ $detail }).
rec-dir-unreachable = Check the network connection and the address, then try again.
err-dir-timeout = The directory { $url } did not answer in time.
rec-dir-timeout = Try again later, or search for something narrower.
err-dir-too-many = More than { $limit } entries match in { $url }.
rec-dir-too-many = Type more of the name, or search by e-mail address or serial number.
err-dir-refused = The directory { $url } refused the search ({ $detail }).
rec-dir-refused = Check the directory's search base, or ask the certification authority that runs it.
err-dir-malformed = The directory sent something that is not a valid { $expected } ({ $dn }).
rec-dir-malformed = Nothing from it was used. Tell the certification authority that runs the directory.
err-dir-tls = No secure connection to the directory { $url } ({ $detail }).
rec-dir-tls = Its certificate is not trusted by this computer, or it does not offer TLS. Check the address (ldaps:// or StartTLS) and that this computer's trusted certificates are up to date. Nothing was searched.
err-dir-protocol = The directory { $url } answered in a way this tool cannot read ({ $detail }).
rec-dir-protocol = Try again later; if it keeps happening, check the address.
err-dir-offline = Offline mode is on: no directory is contacted.
rec-dir-offline = Turn offline mode off in the settings to search a directory.
err-dir-bad-query = This search cannot be used: { $detail }.
rec-dir-bad-query = Type part of a name, an e-mail address, or a serial number in hex (0–9, A–F).

## Files (careful_file): private, atomic, never overwritten unasked
err-file-exists = { $path } already exists; nothing was overwritten.
rec-file-exists = Choose another name. To replace it on purpose, use --force where the command offers it.
err-file-io = Could not write { $path } ({ $detail }). The file that was there is unchanged.
rec-file-io = Check that the folder exists, that you may write to it and that the disk is not full.
err-file-no-data-dir = This user has no data folder (no home folder was found).
rec-file-no-data-dir = Set ECERT_DATA_DIR to a folder only you can read.
err-salt-damaged = The installation key { $path } is damaged. It was left as it is, because the saved jobs depend on it.
rec-salt-damaged = Restore the file from a backup. If there is none, move it away: unfinished jobs on cards will then not be found.

## One card, one journal (card_proof)
err-not-this-card = The unfinished job { $id } cannot be continued or undone safely on this card: { $reason } Nothing was changed.
rec-not-this-card = Insert the card the job was started on. If that card is gone, the job cannot be finished here.
card-mismatch-anchor = this card's identifier is not that of the card the job started on.
card-mismatch-certificate = the certificate in { $location } is not the one the job's card had.
card-mismatch-touched = { $location } holds a certificate the job neither found there nor wrote.
card-mismatch-no-evidence = the card carries no identifier and no certificate that proves which card it is.
card-mismatch-old-journal = the job was recorded by an earlier version under the reader's name, not the card's.
err-offline-forbids-online = Offline mode is on (settings file { $path }): nothing is checked over the network.
rec-offline-forbids-online = Turn offline mode off in the settings (or set "offline": false in that file), then check online again; or check without --online.
reason-revocation-too-old = Could not decide: the only revocation answer has no "next update" date and is older than { $days } days, so it may be an old answer replayed. ({ $detail })
reason-responder-refused = Could not decide: the server that answered for the certification authority may not be relied on. ({ $detail })
reason-work-limit = Could not decide: checking took more steps or downloads than allowed for one verification.
err-dir-elsewhere = A certificate found points to { $url }, which is not the directory being searched ({ $directory }); it was not contacted.
rec-dir-elsewhere = To use that server, add it as a directory of its own and search it.
err-key-import-unsupported = This card cannot take a key from a file: it does not offer key import. Nothing was written to the card.
rec-key-import-unsupported = Use a card that allows key import (for example a YubiKey), or a PKCS#11 token.
err-key-type-unsupported = A card cannot hold this kind of key ({ $detail }). Nothing was written to the card.
rec-key-type-unsupported = PIV cards hold RSA-2048, P-256 and P-384 keys. Ask your certificate issuer for a file with such a key, or use a PKCS#11 token.
unfinished-install = Installing an e-Cert file into location { $slot } stopped half way (the card was removed or the app closed).
err-install-needs-file = The interrupted install stopped before the card had the new key.
rec-install-needs-file = Install the same e-Cert file again to finish, or undo the interrupted job.
err-install-slot-in-use = Location { $location } already holds an e-Cert.
rec-install-slot-in-use = Choose a free location. To install an e-Cert file over this one, give a backup file for it (its key is replaced and cannot be brought back).

# Plain words on citizen paths (issue 16)
btn-save-copy = Save a copy…
label-signing-key = Signing key
label-auth-key = Authentication key
label-card-auth-key = Card login key
label-encryption-key = Encryption key
label-key-slot = Location { $slot }
label-key-purpose = Key on the card
status-not-a-certificate = this file holds no certificate
status-file-not-opened = This file cannot be opened here: { $path }. e-Cert Manager opens e-Cert files (.p12, .pfx) and certificates (.cer, .crt, .der, .pem).
badge-trusted-demo = Valid · Demo
badge-trusted-demo-note = The demo certification authority is trusted for the demo card only, never for real e-Certs.
