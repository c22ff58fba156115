"""The report's and the packet's fixed wording, in the bundle's language."""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from evidence.intake.models import EvidenceItem, Kind
from evidence.reports.labels import labels_for
from evidence.reports.models import Authority, Bundle, Purpose
from evidence.reports.wording import position_words


def report_title(bundle: Bundle) -> str:
    if bundle.purpose == Purpose.AUTHORITY and bundle.authority:
        return _("Evidence of debt-collection harassment, for %(authority)s") % {
            "authority": Authority(bundle.authority).label}
    return _("Evidence of debt-collection harassment")


def exhibit_source(item: EvidenceItem, numbers: dict) -> str:
    if item.imported_from_id:
        return _("Picture in a message, exhibit %(number)s, %(position)s") % {
            "number": numbers.get(item.imported_from_id, "?"),
            "position": position_words(item.source_position, labels_for(get_language() or "en"))}
    if item.kind == Kind.EXPORT:
        return _("Phone export (%(what)s), uploaded by the borrower") % {"what": item.note or item.mime}
    if item.provided_by:
        return _("Provided by %(who)s, who was also contacted by the collectors") % {"who": item.provided_by}
    return _("Uploaded from the borrower's phone")


def timestamp_statement(authority: str) -> str:
    """What the packet's timestamp proves, naming who issued it; or that there is none, and what that means."""
    if authority:
        return _("SHA256SUMS (the list of every file's hash) and this report's signature carry RFC 3161 trusted "
                 "timestamps issued by %(authority)s: they prove that the files existed, exactly as they are, no "
                 "later than the time the timestamps state.") % {"authority": authority}
    return _("No trusted timestamp is attached to this report or the packet. The times of receipt they show come "
             "only from the server's own clock, and no independent timestamp authority confirms when the packet was "
             "made. The hashes and the signature still show that no file has changed since the packet was signed, "
             "but not when it was signed.")


def certification(case, bundle: Bundle, *, timestamp_authority: str = "") -> str:
    """The jurisdiction's statement about the electronic data, with blanks to sign.

    timestamp_authority: the subject of the TSA certificate that timestamps this packet, "" with none.
    """
    timestamp = timestamp_statement(timestamp_authority)
    if case.jurisdiction == "US":
        return _(
            "CERTIFICATION (Fed. R. Evid. 902(13), 902(14); 28 U.S.C. §1746)\n\n"
            "I, ________________________, declare: the files listed in the exhibit list are true copies of "
            "the data I received on my phone; each was stored by the Evidence Locker server on arrival, and "
            "its SHA-256 hash, shown beside it, was recorded then and checked again when this report was "
            "made. The system that stored them is described in this report's section on verification. "
            "%(timestamp)s\n\n"
            "I declare under penalty of perjury that the foregoing is true and correct.\n\n"
            "Executed on ____________ at ________________________.\n\nSignature: ________________________"
        ) % {"timestamp": timestamp}
    if case.jurisdiction == "CN":
        return _(
            "STATEMENT ON THE COLLECTION AND AUTHENTICITY OF ELECTRONIC DATA\n\n"
            "I, ________________ (ID number ________________________), state:\n"
            "1. The electronic data in the exhibit list (screenshots, photos, recordings, call logs, message "
            "exports) all come from my phone (model ________________); I uploaded them, or exported and then "
            "uploaded them, with Evidence Locker.\n"
            "2. The server computed each original file's SHA-256 hash and recorded the time when it received it; "
            "the originals have not been changed since. All hashes were checked again before this report was made.\n"
            "3. This report and the packet are electronically signed by the server. %(timestamp)s\n"
            "4. The original phone is available for examination.\n\n"
            "Signature: ________________    Date: ____________"
        ) % {"timestamp": timestamp}
    return _(
        "STATEMENT OF TRUTH\n\n"
        "I, ________________________, believe that the facts stated in this report are true. The files "
        "listed were received on my phone and stored unchanged; their SHA-256 hashes were recorded on "
        "arrival and checked again when this report was made. %(timestamp)s\n\n"
        "Signed: ________________________    Date: ____________"
    ) % {"timestamp": timestamp}


def how_to_verify(language: str) -> str:
    return _(
        "1. Unpack packet.zip and, inside it, run: sha256sum -c SHA256SUMS (every line must say OK).\n"
        "2. Check the signature on the list of hashes: openssl cms -verify -binary -inform DER "
        "-in SHA256SUMS.sig -content SHA256SUMS -CAfile certs/ca.pem -out /dev/null\n"
        "3. If SHA256SUMS.tsr is present, check the timestamp: openssl ts -verify -data SHA256SUMS "
        "-in SHA256SUMS.tsr -CAfile certs/tsa-ca.pem -untrusted certs/tsa.pem\n"
        "4. Check this PDF's signature: pdfsig report.pdf\n"
        "5. Compare the certificate fingerprint in certs/ with the one the server publishes: "
        "openssl x509 -in certs/ca.pem -noout -fingerprint -sha256\n"
        "A hash proves a file has not changed since the server received it; it does not prove what "
        "the file shows is genuine."
    )


PACKET_README = """证据柜 Evidence Locker — 证据包 / evidence packet
=====================================================

中文
----
本证据包包含：report.pdf（经电子签名的报告）、manifest.json（每份证据的编号、哈希值、
时间）、originals/（原始文件，逐字节未经修改）、records/（通话记录和短信的 CSV 表格，
UTF-8 编码）、SHA256SUMS（上述每个文件的 SHA-256 值）、SHA256SUMS.sig（服务器对
SHA256SUMS 的签名）、SHA256SUMS.tsr（可信时间戳，如已配置）和 certs/（核验所需证书）。
custody.jsonl 是本案的保管链记录，每行一条（JSON），每条的 hash 是去掉 hash 字段后该行的 SHA-256。

核验方法（只需标准工具，无需联网）：
1. 解压后，在本目录运行：sha256sum -c SHA256SUMS
   每一行都应显示“OK”（中文系统显示“成功”）。
2. 核验签名：
   openssl cms -verify -binary -inform DER -in SHA256SUMS.sig -content SHA256SUMS -CAfile certs/ca.pem -out /dev/null
   应显示“Verification successful”。
3. 如有 SHA256SUMS.tsr，核验时间戳：
   openssl ts -verify -data SHA256SUMS -in SHA256SUMS.tsr -CAfile certs/tsa-ca.pem -untrusted certs/tsa.pem
   应显示“Verification: OK”。
4. 核验报告签名：pdfsig report.pdf，应显示“Signature is Valid”和“Total document signed”。
5. 将证书指纹与服务器公布的指纹比对：
   openssl x509 -in certs/ca.pem -noout -fingerprint -sha256
   服务器在 {verify_url} 公布其根证书的 SHA-256 指纹（证书本身在
   {ca_url}），两者必须完全一致。该页面也可以在线逐项核验本证据包（上传的文件核验后立即删除）。{note_zh}
6. 证据集哈希（evidence_set_sha256）= 把 manifest.json 中所有证据的 sha256 去重、排序、
   每行一个（以换行结尾）后计算的 SHA-256。

关于 pdfsig 显示“Certificate issuer isn't Trusted”（证书颁发者不受信任）：
签名本身有效（“Signature is Valid”）。这句话只表示 certs/ca.pem 是本服务器自己的根证书，
而不是操作系统或 PDF 阅读器内置的公共证书机构。先按第 5 步比对指纹；一致后，让 pdfsig 信任它：
   mkdir nssdb
   certutil -N -d nssdb --empty-password
   certutil -A -d nssdb -n evidence-locker -t ",C," -i certs/ca.pem
   pdfsig -nssdir nssdb report.pdf
此时应显示“Certificate is Trusted”（",C," 只让它用于核验文档签名）。
使用 Adobe Acrobat Reader 时：首选项 → 签名 → 身份与可信证书 → 更多… → 可信证书 → 导入，
选择 certs/ca.pem，并勾选“将此证书用作可信根证书”。

哈希值只能证明文件自服务器收到后未被改动，不能证明截图内容本身真实。

English
-------
This packet holds report.pdf (the signed report), manifest.json (every item's exhibit number,
hash and times), originals/ (the original files, byte for byte), records/ (the call log and
messages as CSV, UTF-8), SHA256SUMS (the SHA-256 of each of those files), SHA256SUMS.sig (the
server's signature over SHA256SUMS), SHA256SUMS.tsr (a trusted timestamp, when configured) and
certs/ (the certificates needed to check them).
custody.jsonl is the case's custody log, one JSON event a line; each "hash" is the SHA-256 of its line without "hash".

To verify, with standard tools and no network:
1. Unpack, then in this folder run: sha256sum -c SHA256SUMS   (every line must say OK)
2. The signature:
   openssl cms -verify -binary -inform DER -in SHA256SUMS.sig -content SHA256SUMS -CAfile certs/ca.pem -out /dev/null
   must print "Verification successful".
3. If SHA256SUMS.tsr is present, the timestamp:
   openssl ts -verify -data SHA256SUMS -in SHA256SUMS.tsr -CAfile certs/tsa-ca.pem -untrusted certs/tsa.pem
   must print "Verification: OK".
4. The report's signature: pdfsig report.pdf must print "Signature is Valid" and "Total document signed".
5. Compare the certificate's fingerprint with the one the server publishes:
   openssl x509 -in certs/ca.pem -noout -fingerprint -sha256
   The server publishes its root certificate's SHA-256 fingerprint at {verify_url}
   (the certificate itself at {ca_url}); the two must be identical. That page can
   also check this packet for you, check by check (what you upload is deleted once checked).{note_en}
6. evidence_set_sha256 is the SHA-256 of the distinct item sha256 values from manifest.json,
   sorted, one per line, each line ending in a newline.

About pdfsig's "Certificate issuer isn't Trusted":
the signature itself is valid ("Signature is Valid"). The message only means that certs/ca.pem is
this server's own root certificate, not one of the public certificate authorities your system or PDF
reader ships with. Compare the fingerprint as in step 5; once it matches, make pdfsig trust it:
   mkdir nssdb
   certutil -N -d nssdb --empty-password
   certutil -A -d nssdb -n evidence-locker -t ",C," -i certs/ca.pem
   pdfsig -nssdir nssdb report.pdf
which then prints "Certificate is Trusted" (",C," trusts it for document signatures only).
In Adobe Acrobat Reader: Preferences → Signatures → Identities & Trusted Certificates → More… →
Trusted Certificates → Import, choose certs/ca.pem and tick "Use this certificate as a trusted root".

A hash proves a file has not changed since the server received it; it does not prove that
what a screenshot shows is genuine.
"""


def packet_readme() -> str:
    """README.txt of a packet, naming where this server publishes its certificate and its check page."""
    # The build runs in a worker, with no request to take the host from: SITE_URL names the
    # server; without it, the README says where on the server the page is.
    base, note_zh, note_en = settings.SITE_URL.rstrip("/"), "", ""
    if not base:
        base = "https://<server>"
        note_zh = "\n   <server> 指发出本证据包的证据柜服务器的地址（即其 /verify/ 页面）。"
        note_en = "\n   <server> is the address of the Evidence Locker server this packet came from (its /verify/ page)."
    values = {"{verify_url}": f"{base}/verify/", "{ca_url}": f"{base}/.well-known/evidence-locker/ca.pem",
              "{note_zh}": note_zh, "{note_en}": note_en}
    text = PACKET_README
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
