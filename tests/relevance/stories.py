"""Stories written by hand and planted into generated articles.

A generated body is word salad over a small vocabulary (tests/bench/articles.py): it is about nothing, so no
generated article is relevant to any query. A planted story replaces a host article's title and subtitle and
opens its body, the host's salad following; the story is what a query is judged relevant to. Each story uses
its key words in one inflected form, and queries ask for another ("floods" here, "flooding" in the query).
Two stories of one event (`floods-1`, `floods-2`) are two wires' reports: both are relevant.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    key: str
    language: str
    title: str
    subtitle: str
    text: str  # the opening paragraph; the host's generated paragraphs follow it


STORIES: tuple[Story, ...] = (
    Story(
        "floods-1",
        "en",
        "Floods cut off villages after rivers burst their banks",
        "Rescuers in boats reached families stranded on rooftops",
        "Rivers in the north of the region burst their banks overnight and floods cut off eleven villages, local "
        "officials said. Rescuers in boats reached families stranded on rooftops; the floods damaged roads, bridges "
        "and the main power line. Forecasters expect more rain until Sunday.",
    ),
    Story(
        "floods-2",
        "en",
        "Northern valleys swamped as floods strand families",
        "Emergency crews ferried stranded residents to dry ground",
        "Floods swamped three northern valleys after two days of torrential rain, and emergency crews ferried "
        "stranded residents to dry ground. The regional governor said the floods were the worst in forty years.",
    ),
    Story(
        "election",
        "en",
        "Opposition alliance claims victory in regional election",
        "Turnout reached a record high, the electoral commission said",
        "The opposition alliance won 31 of the 50 seats in Sunday's regional election, the electoral commission "
        "said on Monday. The governing party conceded defeat in the election late on Sunday night.",
    ),
    Story(
        "protest",
        "en",
        "Thousands protest against pension cuts outside parliament",
        "Police detained dozens as the protest spilled into side streets",
        "Thousands of people protested on Saturday against the planned pension cuts. Police detained dozens when "
        "the protest spilled into the side streets around parliament; the organisers called a new protest for Friday.",
    ),
    Story(
        "miners",
        "en",
        "Copper miners strike over unpaid wages",
        "The strike halted output at the country's largest copper mine",
        "About 4,000 miners walked off the job on Tuesday, demanding three months of unpaid wages. The strike "
        "halted output at the largest copper mine of the country, the operator said.",
    ),
    Story(
        "pavodok",
        "ru",
        "Паводок подтопил сёла в Костанайской области",
        "Спасатели вывезли более 300 жителей",
        "Паводок подтопил двенадцать сёл на севере Костанайской области. Уровень воды после паводка продолжает "
        "расти, сообщили спасатели, которые вывезли более 300 жителей на лодках.",
    ),
    Story(
        "urozhai",
        "ru",
        "Фермеры собрали рекордный урожай пшеницы",
        "Урожай зерна впервые превысил 20 миллионов тонн",
        "Фермеры собрали рекордный урожай пшеницы: по данным министерства сельского хозяйства, урожай зерна "
        "впервые превысил 20 миллионов тонн.",
    ),
    Story(
        "bahnstreik",
        "de",
        "Tausende Pendler sitzen nach Bahnstreik fest",
        "Die Lokführergewerkschaft legt den Regionalverkehr für zwei Tage lahm",
        "Wegen eines Bahnstreiks sitzen seit dem frühen Morgen tausende Pendler an den Bahnhöfen fest. Die "
        "Gewerkschaft der Lokführer hat den Regionalverkehr für zwei Tage lahmgelegt.",
    ),
    Story(
        "agriculteurs",
        "fr",
        "Les agriculteurs bloquent les autoroutes autour de Toulouse",
        "Des centaines de tracteurs ont pris position aux péages",
        "Des centaines d'agriculteurs bloquent depuis lundi les autoroutes autour de Toulouse. Leurs tracteurs ont "
        "pris position aux péages pour dénoncer la hausse des normes et des charges.",
    ),
    Story(
        "agricultores",
        "es",
        "Los agricultores bloquean las carreteras de Andalucía",
        "Cientos de tractores cortaron el tráfico durante la mañana",
        "Cientos de agricultores bloquearon este lunes las carreteras de Andalucía con sus tractores para protestar "
        "por los costes de producción. La Guardia Civil desvió el tráfico durante toda la mañana.",
    ),
)
