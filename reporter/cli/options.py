"""Options shared by several commands, written once so they read the same everywhere."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reporter.pipeline.render import Progress


def input_argument(func):
    return click.argument("input_path", metavar="INPUT",
                          type=click.Path(exists=True, dir_okay=False, path_type=Path))(func)


def period_dir_argument(func):
    return click.argument("period_dir", metavar="PERIOD_DIR",
                          type=click.Path(exists=True, file_okay=False, path_type=Path))(func)


def out_option(help_text: str = "Folder for the outputs; each period gets its own sub-folder."):
    return click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("output"), show_default=True, help=help_text)


def db_option(help_text: str = "History database [default: OUT/reporter.sqlite]."):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help=help_text)


def force_option(help_text: str):
    return click.option("--force", is_flag=True, help=help_text)


def employee_option(func):
    return click.option("--employee", "employee_ids", multiple=True, metavar="ID",
                        help="Only these employees (repeatable, or comma-separated).")(func)


def department_option(func):
    return click.option("--department", "departments", multiple=True, metavar="NAME",
                        help="Only this department's employees (repeatable): 客服部, or 第一分公司-客服部 "
                             "for one company's.")(func)


def workers_option(func):
    return click.option("--workers", type=click.IntRange(1, 256), default=None,
                        help="Processes rendering the files [default: one per CPU core].")(func)


def cluster_option(func):
    return click.option("--cluster", "cluster", default=None, metavar="ADDRESS",
                        help="Render the employees' files on a Dask cluster: the scheduler's address, e.g. "
                             "tcp://10.0.0.5:8786 (start it with `dask scheduler`, and `dask worker ADDRESS` on "
                             "each machine, every one with this version of reporter). This machine writes the "
                             "files. Not with --workers or --shard; needs pip install 'reporter[cluster]'. See "
                             "docs/performance.md.")(func)


def templates_option(func):
    return click.option("--templates", "templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        default=None, metavar="DIR",
                        help="A company's own template folder (a copy of the bundled one, edited), rendered in a "
                             "sandbox [default: the bundled templates].")(func)


def reissue_options(func):
    """Why a letter is issued again with changed figures, and who approved it: printed in its change note."""
    func = click.option("--approved-by", "approved_by", default="", metavar="NAME",
                        help="Who approved re-issuing letters whose figures changed (needed with "
                             "--change-reason).")(func)
    return click.option("--change-reason", "change_reason", default="", metavar="TEXT",
                        help="Why letters whose figures changed are re-issued as a new version (an upheld "
                             "appeal, a corrected input); printed in the letter's change note.")(func)


def split_list(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma-separated lists mean the same: --x a --x b == --x a,b."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def check_choices(values: list[str], choices: tuple[str, ...], option: str) -> list[str]:
    unknown = sorted(set(values) - set(choices))
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}; choose from {', '.join(choices)}", param_hint=option)
    return values


class ProgressBar(Progress):
    """The build's progress as tqdm bars on stderr (hidden when stderr is not a terminal)."""

    def __init__(self):
        self.bar = None

    def start(self, stage, total):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=stage, unit="人", disable=None, leave=False, file=sys.stderr)

    def advance(self, n=1):
        self.bar.update(n)

    def close(self):
        self.bar.close()

    def waiting(self, holder):
        click.echo(f"另一个 reporter 运行（{holder}）正在写入同一输出文件夹：等它结束后继续…", err=True)

    def recovered(self, leftovers):
        echo_recovered(leftovers)


RECOVERED_WORDS = {
    "removed_staging": "已清除中断的运行留下的临时文件夹 {name}（{size}）",
    "restored": "上次运行在替换 {name} 时中断：已恢复原有结果",
    "removed_replaced": "已清除上次运行留下的旧结果备份 {name}（{size}）",
    "completed_history": "{name} 的文件已写入但历史记录未写入（上次运行中断或数据库不可写）：已补记",
}


def echo_recovered(leftovers) -> None:
    """What a run found left by a dead one, and what it did (reporter.store.atomic.Leftover)."""
    for item in leftovers:
        size = f"{item.size / 1e6:.1f} MB"
        click.echo("恢复：" + RECOVERED_WORDS[item.action].format(name=item.path.name, size=size), err=True)

def out_file_option(metavar: str, help_text: str):
    """--out-file: one file this command writes besides what it prints."""
    return click.option("--out-file", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        metavar=metavar, help=help_text)
