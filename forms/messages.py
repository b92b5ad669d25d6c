"""Answer validation messages in English and Burmese."""

from __future__ import annotations

from typing import Any

_MESSAGES: dict[str, dict[str, str]] = {
    "required": {
        "en": "An answer is required.",
        "my": "ဖြေဆိုရန် လိုအပ်ပါသည်။",
    },
    "unknown_field": {
        "en": "This form has no such field.",
        "my": "ဤပုံစံတွင် ဤအကွက် မရှိပါ။",
    },
    "no_answer": {
        "en": "This field takes no answer.",
        "my": "ဤအကွက်တွင် ဖြေဆိုရန် မလိုပါ။",
    },
    "constraint": {
        "en": "This answer is not allowed.",
        "my": "ဤအဖြေကို လက်မခံနိုင်ပါ။",
    },
    "expected_text": {"en": "Expected text.", "my": "စာသား ဖြစ်ရပါမည်။"},
    "single_line": {
        "en": "Expected a single line of text.",
        "my": "စာကြောင်းတစ်ကြောင်းတည်း ဖြစ်ရပါမည်။",
    },
    "expected_integer": {"en": "Expected a whole number.", "my": "ကိန်းပြည့် ဖြစ်ရပါမည်။"},
    "expected_number": {"en": "Expected a number.", "my": "ကိန်းဂဏန်း ဖြစ်ရပါမည်။"},
    "expected_boolean": {
        "en": "Expected yes or no (true or false).",
        "my": "ဟုတ် သို့မဟုတ် မဟုတ် (true/false) ဖြစ်ရပါမည်။",
    },
    "expected_time": {
        "en": "Expected a time as HH:MM (24-hour clock).",
        "my": "အချိန်ကို HH:MM (၂၄ နာရီစနစ်) ပုံစံဖြင့် ရေးပါ။",
    },
    "expected_date": {
        "en": "Expected a date: YYYY-MM-DD, YYYY-MM, YYYY, or an object with precision and value.",
        "my": "ရက်စွဲကို YYYY-MM-DD၊ YYYY-MM၊ YYYY သို့မဟုတ် precision နှင့် value ပါသော ပုံစံဖြင့် ရေးပါ။",
    },
    "date_precision": {
        "en": "The date does not match its precision "
        "(day: YYYY-MM-DD, month: YYYY-MM, year: YYYY, unknown: null).",
        "my": "ရက်စွဲသည် တိကျမှုအဆင့်နှင့် မကိုက်ညီပါ (ရက်: YYYY-MM-DD၊ လ: YYYY-MM၊ နှစ်: YYYY၊ မသိ: null)။",
    },
    "date_range": {
        "en": "The end of the range is before its start.",
        "my": "ကာလ၏ အဆုံးရက်သည် အစရက်မတိုင်မီ ဖြစ်နေပါသည်။",
    },
    "date_unknown_range": {
        "en": "A range needs a known start.",
        "my": "ကာလတစ်ခုအတွက် အစရက်ကို သိရန် လိုအပ်ပါသည်။",
    },
    "future_date": {
        "en": "The date is in the future.",
        "my": "ရက်စွဲသည် အနာဂတ်ရက် ဖြစ်နေပါသည်။",
    },
    "expected_code": {
        "en": "Expected one choice code.",
        "my": "ရွေးချယ်စရာ ကုဒ်တစ်ခု ဖြစ်ရပါမည်။",
    },
    "expected_codes": {
        "en": "Expected a list of choice codes.",
        "my": "ရွေးချယ်စရာ ကုဒ်များ စာရင်း ဖြစ်ရပါမည်။",
    },
    "unknown_choice": {
        "en": "This choice is not in the list.",
        "my": "ဤရွေးချယ်မှုသည် စာရင်းတွင် မပါဝင်ပါ။",
    },
    "filtered_choice": {
        "en": "This choice is not offered here.",
        "my": "ဤနေရာတွင် ဤရွေးချယ်မှုကို မပေးထားပါ။",
    },
    "duplicate_choice": {
        "en": "This choice is selected twice.",
        "my": "ဤရွေးချယ်မှုကို နှစ်ကြိမ် ရွေးထားပါသည်။",
    },
    "expected_object": {
        "en": "Expected an object with named parts.",
        "my": "အမည်ပါ အစိတ်အပိုင်းများပါသော ပုံစံ ဖြစ်ရပါမည်။",
    },
    "unknown_part": {
        "en": "Unknown part of this answer.",
        "my": "ဤအဖြေတွင် မသိသော အစိတ်အပိုင်း ပါနေပါသည်။",
    },
    "unknown_place": {
        "en": "Unknown place code.",
        "my": "မသိသော နေရာကုဒ်။",
    },
    "wrong_parent": {
        "en": "This place is not inside the place chosen above it.",
        "my": "ဤနေရာသည် အထက်တွင် ရွေးထားသော နေရာအတွင်း မရှိပါ။",
    },
    "location_level": {
        "en": "Choose the place down to the {level} level.",
        "my": "နေရာကို {level} အဆင့်အထိ ရွေးပါ။",
    },
    "coordinates": {
        "en": 'Expected coordinates as {{"lat": -90..90, "lon": -180..180}}.',
        "my": 'ကိုဩဒိနိတ်ကို {{"lat": -90..90, "lon": -180..180}} ပုံစံဖြင့် ရေးပါ။',
    },
    "consent_documentation": {
        "en": "Consent to other uses includes consent to documentation.",
        "my": "အခြားအသုံးပြုမှုများအတွက် သဘောတူညီချက်တွင် မှတ်တမ်းတင်ရန် သဘောတူညီချက် ပါဝင်ရပါမည်။",
    },
    "expected_list": {"en": "Expected a list.", "my": "စာရင်း ဖြစ်ရပါမည်။"},
    "too_few_one": {
        "en": "At least one entry is needed.",
        "my": "အနည်းဆုံး တစ်ခု လိုအပ်ပါသည်။",
    },
    "too_few": {
        "en": "At least {count} entries are needed.",
        "my": "အနည်းဆုံး {count} ခု လိုအပ်ပါသည်။",
    },
    "too_many_one": {
        "en": "At most one entry is allowed.",
        "my": "အများဆုံး တစ်ခုသာ ခွင့်ပြုပါသည်။",
    },
    "too_many": {
        "en": "At most {count} entries are allowed.",
        "my": "အများဆုံး {count} ခုသာ ခွင့်ပြုပါသည်။",
    },
    "expected_digest": {
        "en": "Expected the SHA-256 of an attachment (64 hexadecimal digits).",
        "my": "ပူးတွဲဖိုင်၏ SHA-256 (ဆဋ္ဌမကိန်း ၆၄ လုံး) ဖြစ်ရပါမည်။",
    },
    "expression_failed": {
        "en": "A rule of this form could not be checked with these answers.",
        "my": "ဤအဖြေများဖြင့် ပုံစံ၏ စည်းမျဉ်းကို စစ်ဆေး၍ မရပါ။",
    },
}

_LEVELS = {
    "state": {"en": "state/region", "my": "ပြည်နယ်/တိုင်းဒေသကြီး"},
    "township": {"en": "township", "my": "မြို့နယ်"},
    "village_tract": {"en": "village tract", "my": "ကျေးရွာအုပ်စု"},
}


def message(key: str, lang: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` (English when that language is missing)."""
    texts = _MESSAGES[key]
    if "level" in params:
        params["level"] = _LEVELS[params["level"]].get(lang, _LEVELS[params["level"]]["en"])
    return texts.get(lang, texts["en"]).format(**params)


def message_keys() -> list[str]:
    """All message keys (for the test that each has en and my)."""
    return list(_MESSAGES)
