package corpus

// The fixed pools every document is drawn from. They are plain text: no
// character in them needs escaping in HTML or in a YAML double-quoted string
// except through the helpers in corpus.go.

// Categories is the fixed category list; every document has one or two.
var Categories = []string{
	"News", "속보", "경제/산업", "정치", "사회", "국제",
	"IT/과학", "문화", "스포츠", "World", "Markets", "Technology",
}

var tags = []string{
	"한미동맹", "반도체", "금리", "환율", "부동산", "선거", "AI", "블록체인",
	"breaking", "economy", "semiconductors", "elections", "climate", "trade",
	"koreablockchain", "실시간", "외교", "증시", "energy", "supply-chain",
}

var images = []string{
	"/assets/img/newsdao_breakingnews.jpg",
	"/assets/img/breaking-economy.jpg",
	"/assets/img/world-desk.png",
	"/assets/img/markets-live.jpg",
}

var authors = []string{"뉴스팀", "김민준 기자", "이서연 기자", "Newsdesk", "J. Park"}

var koTitleSubjects = []string{
	"대통령실", "기획재정부", "한국은행", "삼성전자", "국회", "서울시",
	"금융위원회", "외교부", "산업통상자원부", "현대자동차", "국토교통부", "질병관리청",
	"코스피", "원·달러 환율", "SK하이닉스", "공정거래위원회",
}

var koTitlePredicates = []string{
	"미국 측과 긴밀 협력 계획 밝혀졌다!",
	"하반기 경제 전망 전격 발표",
	"기준금리 동결 결정… 시장 반응 주목",
	"신규 투자 계획 공개, 업계 긴장",
	"긴급 대책 회의 소집",
	"역대 최대 실적 기록했다",
	"규제 완화 방안 내놓아",
	"공급망 재편 대응책 마련",
	"사상 첫 해외 협력 협정 체결",
	"논란 속 입장 발표… 파장 예고",
	"물가 안정 위한 추가 조치 검토",
	"AI 전략 로드맵 공개",
}

var enTitleSubjects = []string{
	"Seoul", "The central bank", "Chipmakers", "The finance ministry",
	"Lawmakers", "Exporters", "The won", "Regulators", "Shipbuilders", "Automakers",
}

var enTitlePredicates = []string{
	"unveil emergency plan as markets slide",
	"hold rates steady amid inflation worries",
	"report record quarterly exports",
	"move to ease supply-chain bottlenecks",
	"sign landmark cooperation deal with Washington",
	"brace for tariff fallout",
	"announce sweeping AI investment package",
	"face questions over delayed reforms",
}

var koSentences = []string{
	"대통령실은 조 바이든 대통령이 대선 후보직을 전격 사퇴한 것과 관련하여 양국 간 긴밀한 협력은 지속적으로 유지될 것이라는 입장을 밝혔습니다.",
	"대통령실 관계자는 한미 동맹에 대한 미국 내 지지는 초당적이라고 강조했습니다.",
	"이는 한미 동맹이 양국의 외교 및 안보에 있어 얼마나 중요한지를 시사합니다.",
	"우리 정부는 이와 같은 초당적 지지를 활용하여 동맹을 더욱 강화할 계획입니다.",
	"바이든 대통령은 21일(현지 시각) 성명을 통해 남은 기간 동안 대통령으로서의 의무에 집중하겠다는 입장을 밝혔습니다.",
	"다만, 대통령실은 타국의 국내 정치 관련 상황에 언급하기를 원치 않는다고 강조했습니다.",
	"한미동맹은 오랫동안 한국과 미국의 핵심 외교 전략이었으며, 이러한 초당적 지지가 이어진다면 앞으로도 안정적인 협력이 지속될 가능성이 높습니다.",
	"한국은행은 이날 금융통화위원회를 열고 기준금리를 연 3.50%로 동결했습니다.",
	"시장에서는 하반기 중 금리 인하 가능성에 대한 기대감이 커지고 있습니다.",
	"원·달러 환율은 장중 한때 1,390원을 넘어서며 연중 최고치를 경신했습니다.",
	"반도체 수출은 전년 같은 기간보다 38% 늘어나 여덟 달 연속 증가세를 이어갔습니다.",
	"업계 관계자는 공급망 재편이 단기적으로는 비용 부담을 키울 수 있다고 설명했습니다.",
	"정부는 소상공인을 위한 긴급 금융 지원 방안을 이번 주 안에 발표할 예정입니다.",
	"전문가들은 글로벌 경기 둔화가 국내 수출에 미칠 영향을 면밀히 살펴봐야 한다고 지적했습니다.",
	"서울 아파트 매매 가격은 15주 연속 상승하며 시장의 관심을 모으고 있습니다.",
	"국회는 다음 달 본회의에서 관련 법안을 처리할 계획이라고 밝혔습니다.",
	"이번 조치는 물가 안정과 내수 회복을 동시에 겨냥한 것으로 풀이됩니다.",
	"외교부는 현지 교민의 안전을 위해 비상 대응 체계를 가동했다고 전했습니다.",
	"여론 조사에 따르면, 많은 시민이 이번 정책의 방향에 대체로 공감하고 있습니다.",
	"정치적, 경제적, 사회적 요소가 복합적으로 작용하여 향후 방향성을 결정하게 됩니다.",
	"특히, 안보 및 경제 분야에서의 협력은 더욱 강화되어야 한다는 목소리가 높습니다.",
	"첨단 기술 분야에서의 협력은 두 나라의 경제 성장에도 긍정적인 영향을 미칠 것입니다.",
	"결론적으로, 이번 합의는 지속적인 발전 가능성을 가지고 있으며 더욱 강화될 것으로 기대됩니다.",
	"회사 측은 올해 설비 투자 규모를 지난해보다 20% 이상 늘리겠다고 밝혔습니다.",
	"증권가에서는 이번 발표가 주가에 단기적인 호재로 작용할 것으로 내다봤습니다.",
	"관계 부처는 합동 점검반을 꾸려 현장 상황을 매일 점검하기로 했습니다.",
	"이 같은 흐름은 내년 상반기까지 이어질 가능성이 크다는 분석이 나옵니다.",
	"야당은 정부의 대응이 늦었다며 책임 있는 설명을 요구했습니다.",
	"인공지능 기술을 활용한 새로운 서비스가 잇따라 출시되며 경쟁이 치열해지고 있습니다.",
	"소비자 물가는 전년 동월 대비 2.6% 올라 석 달 만에 상승 폭이 커졌습니다.",
	"기업들은 불확실성이 커진 만큼 신중한 경영 전략이 필요하다고 입을 모았습니다.",
	"이를 통해 양국 간의 상호 이해와 신뢰를 더욱 깊게 할 수 있습니다.",
	"앞으로도 이러한 협력은 안정적이고 힘있는 동맹으로 자리 잡을 것입니다.",
	"현장에서는 인력 부족 문제가 여전히 해결되지 않았다는 지적이 나왔습니다.",
	"정부 관계자는 \"필요하다면 추가 대책도 검토하겠다\"고 말했습니다.",
	"이번 결정으로 수출 기업들의 자금 조달 부담이 다소 줄어들 전망입니다.",
}

var enSentences = []string{
	"The presidential office said close cooperation between the two countries would continue regardless of the election outcome.",
	"Officials stressed that support for the alliance in Washington remains bipartisan.",
	"Exports of memory chips rose for the eighth consecutive month, according to customs data released on Monday.",
	"The central bank kept its benchmark rate unchanged at 3.5 percent for the tenth straight meeting.",
	"Analysts expect the first rate cut to come no earlier than the fourth quarter.",
	"The won weakened past 1,390 per dollar in early trading before recovering some losses.",
	"Lawmakers are expected to vote on the bill during next month's plenary session.",
	"The ministry said it would announce emergency financing for small businesses within the week.",
	"Industry officials warned that reshoring supply chains would raise costs in the short term.",
	"Shares of the company jumped 6 percent after the announcement.",
	"The measures are aimed at stabilising prices while supporting domestic demand.",
	"Opposition leaders accused the government of reacting too slowly to the crisis.",
	"A joint inspection team will review conditions on the ground every day.",
	"Consumer prices rose 2.6 percent from a year earlier, the fastest pace in three months.",
	"Economists said the trend is likely to continue into the first half of next year.",
	"The foreign ministry activated its emergency response system to protect citizens abroad.",
	"Several firms said they would raise capital spending by more than 20 percent this year.",
	"Investors are watching for further signals from the finance ministry.",
	"New AI services are being launched at a rapid pace, intensifying competition.",
	"The agreement is expected to deepen mutual trust and technological cooperation.",
	"Officials said more steps could follow if conditions deteriorate.",
	"Housing prices in Seoul have risen for fifteen consecutive weeks.",
	"The decision is expected to ease funding pressure on exporters.",
	"Critics said labour shortages at industrial sites remain unresolved.",
}

var koHeadings = []string{
	"한미동맹과 미국 내 지지", "역사적 배경", "시장 반응", "향후 전망",
	"전문가 분석", "정부 대응", "업계 동향", "시민 여론", "주요 쟁점", "수출 현황",
}

var enHeadings = []string{
	"Market reaction", "What comes next", "Background", "Analysis",
	"Government response", "Industry outlook", "Key numbers",
}

var listItems = []string{
	"한미동맹의 역사적 배경", "미국 내 한미동맹에 대한 시민 여론", "향후 한미관계의 전망",
	"기준금리 결정의 배경", "반도체 수출 동향", "환율 변동과 수입 물가",
	"Market reaction in Seoul", "What the central bank said", "Outlook for exporters",
	"정부의 추가 대책", "전문가 진단",
}

// Composed sentences: an optional opener, a subject and a predicate, whose
// placeholders take random numbers ({p} a percentage, {n} 2–99, {k} a
// thousands figure, {d} a day, {m} a month, {y} a target year). They keep
// a feed of 50 articles about as compressible as real news, which a small
// pool of whole sentences repeated across the feed would not be.

var koOpeners = []string{
	"", "", "", "", "이날 ", "지난 {d}일 ", "{m}월 {d}일 ", "한편, ", "또한, ", "특히, ",
	"이에 따라 ", "업계에 따르면 ", "최근 ", "올해 들어 ", "앞서 ", "이와 관련해 ", "다만, ",
}

var koSubjects = []string{
	"대통령실은", "한국은행은", "정부는", "기획재정부는", "삼성전자는", "금융당국은",
	"서울시는", "국회는", "업계 관계자는", "전문가들은", "시장 참여자들은", "외교부는",
	"현대자동차는", "SK하이닉스는", "통계청은", "여당은", "야당은", "한국거래소는",
	"산업통상자원부는", "국토교통부는", "중소벤처기업부는", "공정거래위원회는", "LG에너지솔루션은",
	"부산시는", "경기도는", "증권가는", "노동계는", "경제단체들은", "보건복지부는", "질병관리청은",
}

var koPredicates = []string{
	"올해 {m}월 수출이 전년 같은 달보다 {p}% 늘었다고 밝혔습니다.",
	"기준금리를 연 {p}%로 동결하기로 결정했습니다.",
	"{n}조 원 규모의 긴급 지원 대책을 발표했습니다.",
	"다음 달 {d}일까지 관련 의견을 수렴할 예정이라고 전했습니다.",
	"공급망 안정화를 위해 {n}개 품목의 관세를 한시적으로 낮추기로 했습니다.",
	"지난 {d}일 열린 회의에서 추가 대책을 논의한 것으로 알려졌습니다.",
	"현재 상황을 엄중하게 보고 있다며 신중한 대응을 강조했습니다.",
	"반도체 설비 투자에 {k}억 원을 추가로 투입하겠다고 밝혔습니다.",
	"신규 채용 규모를 작년보다 {p}% 확대할 계획이라고 설명했습니다.",
	"{m}월 소비자물가 상승률이 {p}%를 기록했다고 발표했습니다.",
	"관련 법안이 이르면 {m}월 국회 본회의를 통과할 것으로 내다봤습니다.",
	"시장 불확실성이 당분간 이어질 수 있다고 경고했습니다.",
	"외국인 투자자들의 순매수 규모가 {k}억 원에 달했다고 집계했습니다.",
	"한미 간 기술 협력 확대를 위한 양해각서를 체결했습니다.",
	"피해 지역 주민들에게 {n}만 원씩의 긴급 생활 자금을 지원하기로 했습니다.",
	"원·달러 환율이 {k}원 선에서 등락을 거듭했다고 분석했습니다.",
	"인공지능 분야 인재 {k}명을 양성하겠다는 목표를 제시했습니다.",
	"이번 조치가 내수 회복에 긍정적으로 작용할 것으로 기대한다고 말했습니다.",
	"가계부채 증가 속도가 여전히 빠르다며 경계감을 나타냈습니다.",
	"전국 {n}개 지역에서 현장 점검을 벌인다고 밝혔습니다.",
	"올해 경제성장률 전망치를 {p}%로 하향 조정했습니다.",
	"전기차 보조금 지급 기준을 {m}월부터 바꾸기로 했습니다.",
	"주요 협력사 {n}곳과 공동 대응 체계를 구축했다고 전했습니다.",
	"정책 효과가 나타나기까지 최소 {n}개월이 걸릴 것이라고 전망했습니다.",
	"사이버 공격에 대비한 비상 점검에 착수했습니다.",
	"부동산 시장 안정을 위해 대출 규제를 강화하겠다고 밝혔습니다.",
	"청년층 고용률이 {n}개월 연속 하락했다는 통계를 내놓았습니다.",
	"해외 현지 공장의 생산량을 {p}% 늘리기로 결정했습니다.",
	"이번 합의가 양국 관계의 새로운 전환점이 될 것이라고 평가했습니다.",
	"수출 기업의 자금 조달 부담을 덜기 위해 {k}억 원의 보증을 공급하기로 했습니다.",
	"저출생 대응을 위한 {n}대 과제를 확정했다고 발표했습니다.",
	"다음 주 {d}일 관계 부처 합동 브리핑을 열 예정입니다.",
	"에너지 가격 상승에 대비해 비축 물량을 {p}% 확대했습니다.",
	"코스피가 전 거래일보다 {p}% 오른 {k}포인트에 장을 마쳤다고 밝혔습니다.",
	"소상공인 {k}곳에 대한 금융 지원이 마무리됐다고 설명했습니다.",
	"국제 유가 변동성이 커지면서 물가 관리에 총력을 기울이고 있다고 말했습니다.",
	"디지털 전환을 위한 중장기 로드맵을 공개했습니다.",
	"탄소 배출량을 {y}년까지 절반으로 줄이겠다는 목표를 재확인했습니다.",
	"공정 경쟁 질서를 해치는 행위에 엄정 대응하겠다고 경고했습니다.",
	"하반기 중 {n}건의 규제를 추가로 정비하겠다고 약속했습니다.",
	"지역 균형 발전을 위한 예산 {k}억 원을 새로 편성했습니다.",
	"{n}개 국가와의 자유무역협정 개정 협상을 서두르겠다고 밝혔습니다.",
	"이번 사태의 원인을 철저히 조사하겠다고 약속했습니다.",
	"올해 신규 상장 기업 수가 {n}곳으로 집계됐다고 전했습니다.",
	"차세대 배터리 개발에 {y}년까지 {n}조 원을 투자하기로 했습니다.",
	"물류 대란을 막기 위해 임시 선박 {n}척을 긴급 투입했습니다.",
	"일부 지역의 주택 가격이 {n}주 연속 올랐다고 분석했습니다.",
	"의료 인력 부족 문제를 해결하기 위한 종합 대책을 내놓았습니다.",
	"관광객 수가 코로나19 이전의 {p}% 수준까지 회복됐다고 밝혔습니다.",
	"내년 예산안 규모를 {k}조 원으로 확정했습니다.",
}

var enOpeners = []string{
	"", "", "", "", "On {weekday}, ", "Earlier this month, ", "Meanwhile, ", "In a statement, ",
	"According to officials, ", "Separately, ", "Last week, ", "In {month}, ",
}

var enSubjects = []string{
	"the central bank", "the finance ministry", "Samsung Electronics", "the presidential office",
	"lawmakers", "analysts", "the trade ministry", "exporters", "Seoul city officials",
	"the Korea Exchange", "Hyundai Motor", "SK Hynix", "the statistics agency", "regulators",
	"the opposition party", "business groups", "LG Energy Solution", "the labour ministry",
}

var enPredicates = []string{
	"said exports rose {p} percent from a year earlier.",
	"kept the benchmark rate at {p} percent.",
	"announced a {n} trillion won support package for small businesses.",
	"will collect public comments until {month} {d}.",
	"plans to cut tariffs on {n} items to stabilise supply chains.",
	"warned that uncertainty could persist for months.",
	"pledged an additional {k} billion won for chip plants.",
	"said consumer prices rose {p} percent in {month}.",
	"expects the bill to pass as early as {month}.",
	"reported net foreign buying of {k} billion won.",
	"signed a memorandum on technology cooperation with Washington.",
	"said the won traded around {k} per dollar.",
	"aims to train {k} AI specialists by {y}.",
	"cut its growth forecast for this year to {p} percent.",
	"will inspect sites in {n} regions next week.",
	"said youth employment fell for the {n}th straight month.",
	"will raise output at overseas plants by {p} percent.",
	"called the agreement a turning point for relations between the two countries.",
	"said the index closed {p} percent higher at {k} points.",
	"unveiled a long-term roadmap for digital transformation.",
	"reaffirmed a goal of halving emissions by {y}.",
	"said {n} companies listed on the exchange so far this year.",
	"will invest {n} trillion won in next-generation batteries by {y}.",
	"deployed {n} extra vessels to ease port congestion.",
	"said tourist arrivals recovered to {p} percent of pre-pandemic levels.",
	"finalised a budget of {k} trillion won for next year.",
	"promised a thorough investigation into the cause of the outage.",
	"said the measures should take at least {n} months to show results.",
}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// Korean predicates composed of an object (with its particle) and a verb
// phrase, for variety beyond koPredicates.
var koObjects = []string{
	"{n}조 원 규모의 지원 대책을", "공급망 안정화 방안을", "반도체 투자 계획을", "하반기 경제정책 방향을",
	"가계부채 관리 방안을", "수출 활성화 대책을", "중소기업 금융 지원책을", "청년 일자리 대책을",
	"부동산 공급 확대 방안을", "물가 안정 대책을", "인공지능 산업 육성 전략을", "탄소중립 이행 계획을",
	"전력망 확충 계획을", "의료 개혁 후속 조치를", "저출생 대응 예산을", "{k}억 원 규모의 추가 경정 예산을",
	"디지털 금융 규제 완화 방안을", "해외 인재 유치 전략을", "관세 대응 태스크포스를", "재난 안전 관리 체계를",
	"방산 수출 지원 방안을", "원전 생태계 복원 계획을", "농산물 수급 안정 대책을", "게임 산업 진흥 방안을",
	"K-콘텐츠 수출 전략을", "우주 항공 개발 로드맵을", "해운 물류 지원책을", "지방 소멸 대응 전략을",
	"{m}월 고용 동향을", "{n}개 부처 합동 점검 결과를", "전기요금 조정안을", "배터리 안전 기준을",
}

var koVerbs = []string{
	"발표했습니다.", "공개했습니다.", "검토하고 있다고 밝혔습니다.", "추진하기로 했습니다.",
	"마련했다고 전했습니다.", "내놓았습니다.", "확정했다고 밝혔습니다.", "이르면 {m}월 중 발표할 예정입니다.",
	"다음 주 {d}일 국무회의에 상정하기로 했습니다.", "연내 시행하겠다고 밝혔습니다.", "재검토해야 한다고 주장했습니다.",
	"놓고 막판 조율을 벌이고 있습니다.", "두고 의견이 엇갈리고 있다고 전했습니다.", "조속히 처리해 달라고 요청했습니다.",
	"단계적으로 확대하겠다고 설명했습니다.", "보완하겠다고 약속했습니다.", "면밀히 점검하겠다고 말했습니다.",
	"환영한다는 입장을 냈습니다.", "비판하는 성명을 발표했습니다.", "{y}년까지 완료하겠다고 밝혔습니다.",
}
