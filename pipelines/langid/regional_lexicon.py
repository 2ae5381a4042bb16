"""Curated frequent words of Philippine languages that the models confuse with Filipino (Tagalog).

Written for this project from grammars of the languages (determiners, case markers, pronouns,
linkers, negators, demonstratives, conjunctions and common adverbs); no evaluation text was read to
write it. Each list mixes words shared with Tagalog (``sa``, ``mga``) and the language's own, so that
shared words weigh nothing and the language's own carry the evidence (pipelines/langid/regional.py).
"""

from __future__ import annotations

PHILIPPINE: dict[str, str] = {
    "ceb_Latn": (  # Cebuano
        "ang sa mga nga ug kay dili wala kini kana niini niana adunay aduna usa duha siya sila kami kita ikaw "
        "ako akong imong iyang ilang among atong nila niya nako nimo unsa asa kanus-a ngano pila naa didto dinhi "
        "karon ugma gahapon gyud lang pud pod usab man diay bitaw unya apan busa kung kon alang gikan tungod "
        "mao kadto kaayo daghan gamay maayo"
    ),
    "hil_Latn": (  # Hiligaynon
        "ang sang sa mga nga kag kay indi wala ini ina ato amo may ara isa duha siya sila kami kita ikaw ako akon "
        "imo iya ila amon aton nila niya ko mo ano diin san-o ngaa pila didto diri subong buwas kahapon gid lang "
        "man bala abi pero apang gani kon para tungod kadto mayo madamo gamay kaayo"
    ),
    "war_Latn": (  # Waray
        "an han hin ha mga nga ngan kay diri waray ini iton adto mayda usa duha hiya hira kami kita ikaw ako akon "
        "imo iya ira amon aton ano hain kakan-o kay-ano pira didto dinhi yana buwas kakulop gud la liwat pero "
        "kun para tungod maupay damo gutiay hin-o"
    ),
    "ilo_Latn": (  # Ilocano
        "ti iti dagiti ken nga ni ken saan awan daytoy dayta dayti adda maysa dua isu isuda dakami datayo sika "
        "siak ko mo na da tayo mi yo ania ayan kaano apay mano idiay ditoy ita inton idi kadi met laeng pay ngem "
        "no para gapu ta nagsayaat adu bassit unay"
    ),
    "bcl_Latn": (  # Central Bikol
        "an kan sa mga na asin dai wara ini iyan iyo igwa sarong duwa siya sinda kami kita ika ako sako saimo "
        "niya ninda niato ano sain nuarin tano pira duman digdi ngunyan aga kasuhapon man lang pa alagad kun "
        "para huli marhay dakol sadit"
    ),
    "pam_Latn": (  # Kapampangan
        "ing ning king deng dareng da at ampo ali ala iti iyan ita atin metung adwa ya la kami tamu ika aku ke "
        "mu na ku nanu nokarin kapilan obat pilan karin keni ngeni bukas napun mu pa rin nung uli ban "
        "mayap dakal dakal-dakal malati"
    ),
    "pag_Latn": (  # Pangasinan
        "say saray na ed tan ya ag anggapo aya satan ditan walay sakey duara sikato sikara sikami sikatayo sika "
        "siak ko mo to ra tayo mi yo anto iner kapigan akin piga diman dia natan nabuas nabwas laut lanlamang "
        "balet no pian lapu maong dakel daiset"
    ),
}
