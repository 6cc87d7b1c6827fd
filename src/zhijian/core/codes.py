"""Code validators: the unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc


class CodeError(ValueError):
    """An invalid code; ``str()`` is the Chinese message, ``code`` a stable error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def normalize_uscc(raw: str) -> str:
    """Spaces, hyphens and lower case are tolerated: ' 91330200 abc…' → '91330200ABC…'."""
    return uscc.compact(raw or "")


def validate_uscc(raw: str) -> str:
    """Return the normalised code, or raise :class:`CodeError` saying exactly what is wrong."""
    # The common case — already 18 upper-case letters and digits — needs no cleaning first, and a
    # correct one needs only stdnum's check character (validate() would clean the code twice more).
    fast = len(raw) == 18 and raw.isascii() and raw.isalnum() and raw == raw.upper()
    if fast and raw[:8].isdigit():
        try:
            if uscc.calc_check_digit(raw) == raw[17]:
                return raw
        except ValueError:  # a letter outside the code's alphabet: validate() names the error
            pass
    number = raw if fast else normalize_uscc(raw)
    if not number:
        raise CodeError("uscc_missing", "统一社会信用代码不能为空")
    try:
        return uscc.validate(number)
    except stdnum_errors.InvalidLength:
        raise CodeError("uscc_length", f"统一社会信用代码应为18位，实际为{len(number)}位") from None
    except stdnum_errors.InvalidChecksum:
        expected = uscc.calc_check_digit(number[:17])
        raise CodeError("uscc_checksum", f"统一社会信用代码校验位错误（应为“{expected}”）") from None
    except stdnum_errors.InvalidFormat:
        raise CodeError(
            "uscc_format",
            "统一社会信用代码格式错误：前8位须为数字，其余只能是数字或除I、O、Z、S、V外的大写字母",
        ) from None


def looks_like_uscc(text: str) -> bool:
    number = normalize_uscc(text)
    return len(number) == 18 and number[:2].isdigit()
