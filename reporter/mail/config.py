"""SMTP settings: the workbook's settings sheet, overridden by a TOML file; the password only from the environment."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from reporter.errors import DeliveryError

PASSWORD_VARIABLE = "REPORTER_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465}


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
        if self.security not in DEFAULT_PORTS:
            raise DeliveryError(f"加密方式须为 starttls 或 ssl（当前：{self.security}）：邮件不以明文发送")
        if not self.sender:
            raise DeliveryError("未设置发件人地址：请在「设置」表填写「发件人」，或在配置文件 [smtp] 中写 sender")
        if sending and not self.host:
            raise DeliveryError("未设置邮件服务器：请在「设置」表填写「邮件服务器」，或在配置文件 [smtp] 中写 host")


def load_config(from_settings: dict, config_file: Path | None = None) -> SmtpConfig:
    """Settings from the built period (manifest), then a TOML file's [smtp] table on top."""
    known = set(SmtpConfig.__dataclass_fields__)
    config = SmtpConfig(**{k: v for k, v in from_settings.items() if k in known and v not in (None, "")})
    if config_file is not None:
        try:
            table = tomllib.loads(Path(config_file).read_text(encoding="utf-8")).get("smtp", {})
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise DeliveryError(f"无法读取邮件配置文件 {config_file}：{err}") from err
        if "password" in table:
            raise DeliveryError(f"{config_file} 中不能写密码：请设置环境变量 {PASSWORD_VARIABLE}")
        unknown = sorted(set(table) - known)
        if unknown:
            raise DeliveryError(f"{config_file} 的 [smtp] 中有未知项 {', '.join(unknown)}；可用：{', '.join(sorted(known))}")
        config = replace(config, **table)
    return config
