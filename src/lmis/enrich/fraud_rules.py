"""The text rules of fraud scoring: phrases of scam adverts in English, Indonesian and Korean, and the
negations and deferrals that make a phrase harmless (pure data; `lmis.enrich.fraud` applies them).
"""

from __future__ import annotations

import re


def compile_rule(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `alternatives`."""
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


PHONE = (
    r"(?:\+?82[- ]?|0)1[016789][- .]?\d{3,4}[- .]?\d{4}|(?:\+62|62|0)8\d{1,2}[- .]?\d{3,4}[- .]?\d{3,5}"
    r"|(?:\+44\s?7|07)\d{3}\s?\d{3}\s?\d{3}|(?:\+1[- ]?)?\(?\d{3}\)?[- .]\d{3}[- .]\d{4}"
)
MESSAGE_CUE = r"\b(?:text|sms|message|msg|whats\s?app|wa|chat|pesan)\b|문자|카톡"  # a call to a mobile is not flagged
FREE_MAIL = r"hotmail|outlook|live|aol|icloud|proton(?:mail)?|naver|daum|hanmail|nate|kakao"
# Text rules, one per flag and language; every alternative is a phrase ads use. English rules
# (brand names and links included) run on every ad, Korean ones when the text has Hangul,
# Indonesian ones when the ad is Indonesian or reads like it: on English ads this halves the
# regex work (measured 3.4 -> 2.3 ms an NHS ad).
RULES: dict[str, dict[str, tuple[str, ...]]] = {
    "upfront_fee": {
        "en": (
            r"\b(?:registration|training|uniform|visa|processing|admin(?:istration|istrative)?|application|placement"
            r"|onboarding|starter[- ]kit|background[- ]check|enrol(?:l)?ment)\s+(?:fee|charge|deposit)s?\b",
            r"\b(?:refundable|upfront|up-front|advance)\s+(?:deposit|payment|fee)s?\b",
            r"\b(?:you|candidates?|applicants?|trainees?)\s+(?:must|need\s+to|have\s+to|are\s+required\s+to|should)"
            r"\s+(?:first\s+)?pay\b",
            r"\bpay\s+(?:a|an|the|your)?\s*(?:small\s+|one[- ]time\s+)?(?:fee|deposit)\b",
        ),
        "id": (
            r"\bbiaya\s+(?:pendaftaran|administrasi|admin|pelatihan|training|seragam|medical|medis|visa|paspor"
            r"|pemberangkatan|proses|penempatan|jaminan|diklat)\b|\buang\s+(?:jaminan|pendaftaran|administrasi|seragam)\b",
            r"\bdipungut\s+biaya\b|\b(?:transfer|bayar|membayar)\s+(?:biaya|uang)\b",
        ),
        "ko": (
            r"선입금|등록비|가입비|보증금|(?:교육비|수수료|재료비)\s*(?:납부|입금|선납|선결제|본인\s*부담|자부담)",
            r"(?:비용|금액)[을를]?\s*(?:먼저\s*)?(?:입금|송금|선납)|입금\s*후\s*(?:면접|교육|근무|채용)",
        ),
    },
    "off_platform_contact": {
        "en": (
            r"\bwhats\s?app\b|\btelegram\b|\bkakao\s?talk\b|\bkakao\s*id\b|\bwe\s?chat\b|微信|\bviber\b",
            r"\bline\s*(?:id\b|@)|\b(?:via|on)\s+signal\b|\bsignal\s*(?:id|app)\b",
            r"\bwa\.me/|\bt\.me/|chat\.whatsapp\.com|open\.kakao\.com|line\.me/",
            rf"(?:{MESSAGE_CUE})[^.!?\n]{{0,25}}?(?:{PHONE})",
            rf"\b[\w.+-]+@(?:(?:g|google)mail|y(?:ahoo)?mail|yahoo|{FREE_MAIL})\.[a-z]{{2,3}}(?:\.[a-z]{{2}})?\b",
        ),
        "ko": (
            r"카카오톡|카톡|오픈\s*채팅|위챗|라인\s*(?:id|아이디)",
            rf"(?:{PHONE})\s*(?:으?로)?\s*(?:문자|카톡)",
        ),
    },
    "urgency_bait": {
        "en": (
            r"\burgent(?:ly)?\b|\bimmediate\s+start\b[^.!?\n]{0,30}\bno\s+experience\b",
            r"\bearn\s+(?:up\s+to\s+)?(?:[$£€]\s?\d[\d,.]*k?|big|fast|quick|easy)|\$\$\$",
            r"\blimited\s+(?:slots?|places?|spots?|positions?|vacancies)\b|\bonly\s+\d+\s+(?:slots?|places?|spots?)\s+left",
            r"\bact\s+(?:now|fast)\b|\b(?:easy|quick|fast)\s+(?:money|cash)\b|\bsame[- ]day\s+pay",
        ),
        "id": (
            r"\bsegera\b|\blangsung\s+kerja\b|\b(?:kuota|slot|tempat)\s+terbatas\b",
            r"\b(?:penghasilan|gaji)\s+(?:jutaan|puluhan\s+juta|besar)\b",
        ),
        "ko": (
            r"급구|당일\s*지급|즉시\s*(?:근무|출근|지급)",
            r"고수익|고액\s*(?:알바|아르바이트|일당|수당)|선착순|마감\s*임박|수익\s*보장",
        ),
    },
    "personal_data_request": {
        "en": (
            r"\bbank\s+(?:account\s+)?(?:details|number|login|password|pin)\b|\bonline\s+banking\b",
            r"\b(?:credit|debit)\s+card\s+(?:details|number)\b|\bsocial\s+security\s+number\b|\bSSN\b",
            r"\b(?:copy|scan|photo)\s+of\s+(?:your\s+)?(?:passport|id\s+card|identity\s+card|national\s+id)\b",
            r"\b(?:passport|id\s+card|identity\s+card)\s+(?:number|copy|scan|photo)\b|\bone[- ]time\s+password\b",
            r"\b(?:kode\s+)?OTP\b",
        ),
        "id": (
            r"\bnomor\s+(?:rekening|ktp|nik|kartu\s+kredit|pin)\b|\b(?:buku\s+tabungan|kartu\s+atm|pin\s+atm)\b",
        ),
        "ko": (
            r"주민\s*등록\s*번호|주민번호|(?:통장|계좌)\s*(?:번호|사본|비밀번호)|계좌번호|신분증\s*(?:사본|사진)",
            r"(?:공인|공동)\s*인증서|(?:카드|계좌)\s*비밀번호",
        ),
    },
    "money_mule": {
        "en": (
            r"\breceiv(?:e|ing)\s+(?:payments?|funds|money|transfers?)\s+(?:into|to|on|through|via)\s+"
            r"(?:your|a\s+personal)\b|\buse\s+your\s+(?:own\s+|personal\s+)?bank\s+account\b",
            r"\b(?:re-?shipping|package\s+forwarding)\b|\b(?:buy|purchase)\s+(?:\w+\s+)?gift\s+cards?\b",
            r"\b(?:deposit|cash)\s+(?:a\s+|the\s+)?(?:cheque|check)s?\b[^.!?\n]{0,40}\b(?:send|wire|transfer)\b",
        ),
        "id": (
            r"\b(?:sewa|jual|beli|pinjam|pinjamkan)\s+rekening\b|\brekening\s+penampung\b",
            r"\bmenerima\s+(?:transfer|dana|uang)\s+(?:ke|melalui)\s+rekening\s+(?:anda|pribadi)\b",
        ),
        "ko": (r"(?:통장|계좌|체크\s*카드)\s*(?:대여|임대|양도|매매|판매|빌려)|대포\s*통장|현금\s*(?:수거|전달|인출)",),
    },
}  # fmt: skip
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
INDONESIAN = re.compile(
    r"\b(?:yang|dengan|untuk|kami|anda|dan|atau|lowongan|dibutuhkan|kerja|tanpa|biaya|hubungi|gaji|pengalaman"
    r"|rekening|melalui|segera|bulan|tidak|perusahaan|pelamar|syarat)\b",
    re.IGNORECASE,
)


WORK_AT_HOME = compile_rule(
    r"\bwork(?:ing)?\s+(?:from|at)\s+home\b|\bWFH\b|\bkerja\s+(?:dari|di)\s+rumah\b|재택|집에서"
)
HIGH_PAY = compile_rule(
    r"\bearn\b|\bup\s+to\s+[$£€]|\$\$|\bhigh\s+(?:pay|income|earnings)\b|\bpenghasilan\b|\bgaji\s+besar\b|\bjutaan\b",
    r"고수익|고소득|고액|월\s*\d+\s*만")  # fmt: skip
NO_EXPERIENCE = compile_rule(
    r"\bno\s+(?:prior\s+)?experience\b|\b(?:tanpa|tidak\s+perlu)\s+pengalaman\b", r"경력\s*무관|초보\s*가능|누구나"
)
CLAUSE_END = re.compile(r"[.!?;\n。]")
# Negation before a phrase ("never ask for bank details", "no registration fee", "tidak dipungut
# biaya") or right after it ("등록비 없음", "training fee: waived", "biaya medical ditanggung").
NEGATED_BEFORE = compile_rule(
    r"\b(?:never|not|without|zero|tidak|tanpa|bukan|jangan|tak)\b|n't\b|절대|어떠한",
    # The employer pays: "reimbursement for NMC registration fees", "we pay your visa fee" (NHS benefits lists).
    r"\b(?:reimburs\w*|refund\s+of|coverage\s+of|(?<!you\s)will\s+(?:pay|cover|fund|reimburse)|we\s+(?:pay|cover|fund)"
    r"|(?:pays|paying|covers|covering|funds|funding)\s+(?:for\s+)?(?:your|the|their|all)|(?:paid|covered|funded)(?:\s+for)?)"
    r"(?:\s+\S+){0,5}\s*$",
    r"\b(?:no|free)\s+(?:\S+\s+){0,2}$|무료\s*$")  # fmt: skip
NEGATED_AFTER = compile_rule(
    r"^\W{0,3}(?:(?:is|are|will\s+be)\s+)?(?:free|waived|none|nil|not\s+(?:required|charged|needed)|covered"
    r"|paid\s+by\s+(?:us|the\s+company|the\s+employer|the\s+trust)|(?:paid|reimbursed|refunded|funded)\b(?!\s+by\s+you)"
    r"|deducted\s+from|we\s+(?:will\s+)?(?:pay|cover|reimburse|fund)"
    r"|gratis|tidak\s+(?:dipungut|ada|dikenakan)|ditanggung)",
    r"^\s*(?:[은는이가도]\s*)?(?:없|무료|면제|회사\s*부담|지원|안\s*받)")  # fmt: skip
# Asking for documents at or after interview or offer (either side, same clause) is ordinary right-to-work practice.
LATER = compile_rule(
    r"\b(?:at|after|on|to)\s+(?:the\s+|your\s+)?(?:interview|offer|appointment|first\s+day)\b|\bright\s+to\s+work\b",
    r"\b(?:saat|setelah)\s+(?:interview|wawancara|diterima|lolos)\b",
    r"면접\s*(?:시|후|당일)|입사\s*(?:시|후)|합격\s*후")  # fmt: skip
