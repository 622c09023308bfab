"""SMTP settings: the workbook's settings sheet, overridden by a TOML file; the password only from the environment.

Every value is checked when the settings are loaded (type, range, no line breaks where a line goes on the
wire), and every problem is reported at once naming where the value came from and its key: a rate of 0
a minute or 0 attempts must stop the run before the first message, not crash after it.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from reporter.errors import CellError, DeliveryError, MailConfigError, Problem
from reporter.input.cells import parse_email

PASSWORD_VARIABLE = "REPORTER_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465}
# Numbers: (whole numbers only, lowest, highest, whether the lowest itself is allowed, what it counts).
NUMBER_RANGES = {
    "port": (True, 1, 65535, True, "端口"),
    "rate_limit": (True, 1, 10_000, True, "每分钟封数"),  # the workbook's 每分钟发送上限 allows the same
    "max_attempts": (True, 1, 10, True, "每封邮件在一次运行中最多尝试的次数"),
    "timeout": (False, 0, 600, False, "秒"),
    "backoff": (False, 0, 300, True, "秒，第二次尝试前的等待，之后每次加倍"),
}
TEXT_LIMITS = {"host": 253, "user": 254, "sender": 254, "sender_name": 200, "cafile": 4096, "security": 20}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class SmtpConfig:
    host: str = ""
    port: int | None = None
    security: str = "starttls"  # "starttls" or "ssl": mail never leaves in clear text
    user: str = ""
    sender: str = ""
    sender_name: str = ""
    rate_limit: int = 30  # messages per minute
    cafile: str = ""  # extra CA bundle to trust (a company's own CA); system CAs otherwise
    timeout: float = 30.0
    max_attempts: int = 3  # tries per message for temporary (4xx) failures within one run
    backoff: float = 5.0  # seconds before the 2nd try, doubled for each further one

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    def check(self, sending: bool) -> None:
        """Every value (for a config built in code; load_config has checked its sources), then what a run needs."""
        values = {k: v for k, v in asdict(self).items() if not (k == "port" and v is None)}
        problems = config_problems(values, file="", where="")
        if not self.sender:
            problems.append(Problem("未设置发件人地址：请在「设置」表填写「发件人」，或在配置文件 [smtp] 中写 sender",
                                    column="sender"))
        if sending and not self.host:
            problems.append(Problem("未设置邮件服务器：请在「设置」表填写「邮件服务器」，或在配置文件 [smtp] 中写 host",
                                    column="host"))
        if problems:
            raise MailConfigError(problems)


def _number_problem(key: str, value) -> str | None:
    whole, low, high, low_allowed, unit = NUMBER_RANGES[key]
    kind = "整数" if whole else "数"
    wanted = f"须为 {low}–{high} 的{kind}（{unit}）" if low_allowed else f"须为大于 {low}、不超过 {high} 的{kind}（{unit}）"
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        return f"{wanted}，当前为 {value!r}"
    if not math.isfinite(value) or not (low <= value <= high) or (value == low and not low_allowed):
        return f"{wanted}，当前为 {value!r}"
    return None


def _text_problem(key: str, value) -> str | None:
    if not isinstance(value, str):
        return f"须为文字（用引号括起），当前为 {value!r}"
    if len(value) > TEXT_LIMITS[key]:
        return f"不能超过 {TEXT_LIMITS[key]} 个字符（当前 {len(value)} 个）"
    if _CONTROL.search(value):
        return f"{value!r} 含有换行或控制字符：请删除"
    if key == "host" and re.search(r"\s", value):
        return f"服务器名 {value!r} 不能含空格，如 smtp.exmail.qq.com"
    if key == "security" and value not in DEFAULT_PORTS:
        return f"加密方式须为 starttls 或 ssl（当前：{value}）：邮件不以明文发送"
    if key == "sender" and value:
        try:
            parse_email(value)
        except CellError as err:
            return f"发件人{err}"
    if key == "cafile" and value and not Path(value).is_file():
        return f"证书文件 {value} 不存在或不是文件"
    return None


def config_problems(values: dict, *, file: str, where: str) -> list[Problem]:
    """Each value that cannot work, as a Problem naming ``file``, the table ``where`` and the key."""
    problems = []
    for key, value in values.items():
        check = _number_problem if key in NUMBER_RANGES else _text_problem if key in TEXT_LIMITS else None
        message = check(key, value) if check else None
        if message:
            problems.append(Problem(message, file=file, sheet=where, column=key))
    return problems


def load_config(from_settings: dict, config_file: Path | None = None, *, source: str = "manifest.json"
                ) -> SmtpConfig:
    """Settings from the built period (manifest, named ``source``), then a TOML file's [smtp] table on top."""
    known = set(SmtpConfig.__dataclass_fields__)
    settings = {k: v for k, v in from_settings.items() if k in known and v not in (None, "")}
    problems = config_problems(settings, file=source, where="mail")
    table = {}
    if config_file is not None:
        table, file = _read_table(Path(config_file)), str(config_file)
        if "password" in table:  # its value is never repeated
            problems.append(Problem(f"配置文件中不能写密码：请删除这一行，改为设置环境变量 {PASSWORD_VARIABLE}",
                                    file=file, sheet="[smtp]", column="password"))
        for key in sorted(set(table) - known - {"password"}):
            problems.append(Problem(f"未知项；可用：{', '.join(sorted(known))}", file=file, sheet="[smtp]",
                                    column=key))
        problems += config_problems({k: v for k, v in table.items() if k in known}, file=file, where="[smtp]")
    if problems:
        raise MailConfigError(problems)
    return replace(SmtpConfig(**settings), **{k: v for k, v in table.items() if k in known})


def _read_table(path: Path) -> dict:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DeliveryError(f"无法读取邮件配置文件 {path}：{err.strerror or err}") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise MailConfigError([Problem(f"不是有效的 TOML：{err}", file=str(path))]) from err
    others = sorted(set(document) - {"smtp"})
    if others:
        raise MailConfigError([Problem(f"只读 [smtp] 表，{', '.join(others)} 不在其中：请把设置写在 [smtp] 一行之下",
                                       file=str(path))])
    table = document.get("smtp", {})
    if not isinstance(table, dict):
        raise MailConfigError([Problem("[smtp] 须为一个表（[smtp] 一行，下面每行 键 = 值）", file=str(path))])
    return table
