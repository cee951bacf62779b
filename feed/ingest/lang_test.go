package ingest

// These tests are in package ingest to check the thresholds on the
// detector itself; TestParseLang checks it through Parse as callers see it.

import (
	"context"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
)

// Texts for the language tests, as newsrooms write them.
const (
	// From the seed article (testdata/seed.txt).
	koTitle   = "대통령실 미국 측 긴밀 협력 계획 밝혀졌다!"
	koExcerpt = "한미 동맹의 미국 내 지지는 초당적이라는 대통령실의 발언이 주목받고 있다. 조 바이든 대통령의 대선 후보 사퇴에도 불구하고 양국 협력은 계속될 것이라는 입장이 전해졌다."
	koBody    = "대통령실은 조 바이든 대통령이 대선 후보직을 전격 사퇴한 것과 관련하여 양국 간 긴밀한 협력은 지속적으로 유지될 것이라는 입장을 밝혔습니다. 대통령실 관계자는 한미 동맹에 대한 미국 내 지지는 초당적이라고 강조했습니다."
	// Korean quoting English names, titles and figures.
	koMixed = "삼성전자(Samsung Electronics)는 24일 미국 텍사스주 Taylor 공장에서 열린 기념식에서 Lee Jae-yong 회장과 Joe Biden 대통령, Google CEO Sundar Pichai가 참석한 가운데 AI 반도체 양산을 시작한다고 밝혔다."

	enTitle = "Coast guard rescues twelve after ferry runs aground"
	enBody  = "The coast guard said twelve people were rescued on Tuesday after a passenger ferry ran aground off the southern coast. All passengers were reported safe, officials said."
	// English quoting Korean names and terms.
	enMixed = "President Yoon Suk Yeol (윤석열) met the chairman of Samsung Electronics, Lee Jae-yong (이재용), on Tuesday to discuss the chaebol (재벌) reform bill and the semiconductor export figures for November."

	jaBody = "東京都の小池百合子知事は24日、記者会見を開き、来年度の予算案について説明した。都民の生活を守るための施策を重視するという。"
	// A kanji-dense headline: two kana (が, に) in 21 letters.
	jaHeadline = "東京都知事選挙、現職小池百合子氏が三選確実に"
	zhBody     = "国务院总理今天在北京主持召开国务院常务会议，研究部署进一步扩大内需的政策措施，会议强调要稳定就业和物价。"
	ruBody     = "Береговая охрана сообщила, что во вторник после того, как пассажирский паром сел на мель, были спасены двенадцать человек."
	arBody     = "قال خفر السواحل إنه تم إنقاذ اثني عشر شخصا يوم الثلاثاء بعد جنوح عبارة ركاب قبالة الساحل الجنوبي."
	heBody     = "משמר החופים אמר כי שנים עשר בני אדם חולצו ביום שלישי לאחר שמעבורת נוסעים עלתה על שרטון."
	elBody     = "Η ακτοφυλακή ανέφερε ότι δώδεκα άνθρωποι διασώθηκαν την Τρίτη αφού ένα επιβατηγό πλοίο προσάραξε."
	thBody     = "หน่วยยามฝั่งกล่าวว่ามีผู้ได้รับการช่วยเหลือสิบสองคนในวันอังคารหลังจากเรือข้ามฟากเกยตื้น"
	hiBody     = "तटरक्षक बल ने कहा कि मंगलवार को एक यात्री नौका के फंसने के बाद बारह लोगों को बचाया गया।"
	frBody     = "Les garde-côtes ont déclaré que douze personnes avaient été secourues mardi après l'échouement d'un ferry au large de la côte sud."
)

func TestTextLang(t *testing.T) {
	t.Parallel()
	rep := strings.Repeat
	tests := []struct {
		name, site           string // site "" means "ko"
		title, excerpt, body string
		want                 string
	}{
		{name: "Korean seed", title: koTitle, excerpt: koExcerpt, body: koBody, want: "ko"},
		{name: "Korean on an English site", site: "en", title: koTitle, body: koBody, want: "ko"},
		{name: "Korean keeps the site's ko-KR", site: "ko-KR", title: koTitle, body: koBody, want: "ko-KR"},
		{name: "English on a Korean site", title: enTitle, body: enBody, want: "en"},
		{name: "English with a Korean title", title: koTitle, body: enBody + " " + enBody, want: "en"},
		{name: "Japanese", body: jaBody, want: "ja"},
		{name: "kanji-dense Japanese headline", title: jaHeadline, want: "ja"},
		{name: "Chinese", body: zhBody, want: "zh"},
		{name: "Chinese quoting a Japanese name", body: rep(zhBody, 3) + "索尼（ソニー）", want: "zh"},
		{name: "Chinese keeps the site's zh-TW", site: "zh-TW", body: zhBody, want: "zh-TW"},
		{name: "Chinese on a Japanese site", site: "ja", body: zhBody, want: "zh"},
		{name: "Japanese keeps the site's ja-JP", site: "ja-JP", body: jaBody, want: "ja-JP"},
		{name: "Korean with English names", body: koMixed, want: "ko"},
		{name: "Korean with English names on an English site", site: "en", body: koMixed, want: "ko"},
		{name: "English with a few Korean words", body: enMixed, want: "en"},
		{name: "Russian", body: ruBody, want: "ru"},
		{name: "Cyrillic keeps the site's uk", site: "uk", body: ruBody, want: "uk"},
		{name: "Cyrillic keeps the site's sr", site: "sr", body: ruBody, want: "sr"},
		{name: "Arabic", body: arBody, want: "ar"},
		{name: "Arabic keeps the site's fa", site: "fa", body: arBody, want: "fa"},
		{name: "Hebrew", body: heBody, want: "he"},
		{name: "Greek", body: elBody, want: "el"},
		{name: "Thai", body: thBody, want: "th"},
		{name: "Hindi", body: hiBody, want: "hi"},

		// Latin is English only where the site's language is not Latin.
		{name: "Latin on a French site", site: "fr", title: "Un ferry s'échoue", body: frBody, want: "fr"},
		{name: "English on a French site", site: "fr", title: enTitle, body: enBody, want: "fr"},
		{name: "Latin on a fr_CA site", site: "fr_CA", body: frBody, want: "fr_CA"},
		{name: "Latin on an en-GB site", site: "en-GB", body: enBody, want: "en-GB"},
		{name: "Latin on an unlisted language's site", site: "sw", body: enBody, want: "sw"},
		{name: "Latin on an sr-Latn site", site: "sr-Latn", body: enBody, want: "sr-Latn"},
		{name: "Latin on a Cyrillic site", site: "ru", body: enBody, want: "en"},
		{name: "Latin on a site without a language", site: "-", body: enBody, want: "en"},
		{name: "Cyrillic on an sr-Latn site", site: "sr-Latn", body: ruBody, want: "ru"},
		{name: "Han on a zh-Hant-HK site", site: "zh-Hant-HK", body: zhBody, want: "zh-Hant-HK"},
		{name: "Han on a ko-Kore site", site: "ko-Kore", body: zhBody, want: "zh"},

		// Too few letters: the site's language.
		{name: "empty", want: "ko"},
		{name: "acronym title", title: "BTS", want: "ko"},
		{name: "short English title", title: "Ferry aground", want: "ko"},
		{name: "short Korean title on an English site", site: "en", title: "속보: 여객선 좌초", want: "en"},
		{name: "empty on a site without a language", site: "-", want: ""},
		{name: "figures do not count", title: "2026-11-24 09:30", body: "1,234.5 → 6,789 (+12%) " + rep("a", minLetters-1), want: "ko"},
		{name: "19 letters", body: rep("a", minLetters-1), want: "ko"},
		{name: "20 letters", body: rep("a", minLetters), want: "en"},

		// The thresholds, letter by letter.
		{name: "Hangul at 30%", site: "en", body: rep("가", 30) + " " + rep("a", 70), want: "ko"},
		{name: "Hangul below 30%", body: rep("가", 29) + " " + rep("a", 71), want: "en"},
		{name: "Hangul at 30% against Cyrillic", body: rep("가", 30) + " " + rep("д", 70), want: "ko"},
		{name: "majority at 60%", body: rep("д", 60) + " " + rep("a", 40), want: "ru"},
		{name: "no majority below 60%", body: rep("д", 59) + " " + rep("a", 41), want: "ko"},
		{name: "half Latin half Greek", site: "fr", body: rep("α", 50) + " " + rep("a", 50), want: "fr"},
		{name: "other scripts dilute the majority", body: rep("a", 59) + " " + rep("ა", 41), want: "ko"},
		{name: "kana at 5%", body: rep("日", 95) + rep("の", 5), want: "ja"},
		{name: "kana below 5%", body: rep("日", 96) + rep("の", 4), want: "zh"},
		{name: "Han and kana count together", body: rep("日", 40) + rep("の", 20) + rep("a", 40), want: "ja"},

		// Bounded: the first maxLetters letters among maxRunes runes decide.
		{name: "stops after maxLetters", site: "en", body: rep("a", maxLetters) + rep("가", 5*maxLetters), want: "en"},
		{name: "stops after maxRunes", site: "en", body: rep("1", maxRunes) + rep("가", 100), want: "en"},
		{name: "the title and excerpt count first", site: "en", title: rep("a", maxLetters/2), excerpt: rep("a", maxLetters/2-1), body: rep("가", 100), want: "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := tt.site
			switch site {
			case "":
				site = "ko"
			case "-":
				site = ""
			}
			var segs []segment
			for p := range strings.SplitSeq(tt.body, "\n") {
				segs = append(segs, segment{text: p})
			}
			if got := textLang(site, tt.title, tt.excerpt, segs); got != tt.want {
				t.Errorf("textLang(%q, %.40q, %.40q, %.40q) = %q, want %q", site, tt.title, tt.excerpt, tt.body, got, tt.want)
			}
		})
	}
}

// TestParseLang checks the language Parse gives articles: the front
// matter's lang, else that of the text's script, else the site's.
func TestParseLang(t *testing.T) {
	t.Parallel()
	base, err := url.Parse("https://news.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, site, doc, want string
	}{
		{"Korean seed", "ko", "", "ko"},
		{"Korean seed on an English site", "en", "", "ko"},
		{"English Markdown", "ko", "---\ntitle: " + enTitle + "\n---\n" + enBody + "\n", "en"},
		{"English HTML", "ko", "---\ntitle: " + enTitle + "\nformat: html\n---\n<h2>Rescue</h2><p>" + enBody + "</p>", "en"},
		{"English excerpt, empty body", "ko", "---\ntitle: Ferry\nexcerpt: " + enBody + "\n---\n", "en"},
		{"Japanese", "ko", "---\ntitle: 小池知事が会見\n---\n" + jaBody + "\n", "ja"},
		{"Chinese", "ko", "---\ntitle: 国务院常务会议\n---\n" + zhBody + "\n", "zh"},
		{"Korean with English names", "ko", "---\ntitle: 삼성전자, 미국 Taylor 공장 가동\n---\n" + koMixed + "\n", "ko"},
		{"English with Korean names", "ko", "---\ntitle: Yoon meets Lee\n---\n" + enMixed + "\n", "en"},
		{"short text keeps the site's", "ko", "---\ntitle: Breaking\n---\nMore soon.\n", "ko"},
		{"Latin on a French site", "fr", "---\ntitle: Un ferry s'échoue\n---\n" + frBody + "\n", "fr"},
		{"front matter lang over Korean text", "ko", "---\ntitle: " + koTitle + "\nlang: en\n---\n" + koBody + "\n", "en"},
		{"front matter lang over English text", "ko", "---\ntitle: " + enTitle + "\nlang: ko-KR\n---\n" + enBody + "\n", "ko-KR"},
		{"front matter lang over Latin on a French site", "fr", "---\ntitle: " + enTitle + "\nlang: de\n---\n" + enBody + "\n", "de"},
		// Text the feeds do not show does not count.
		{"script and style elements", "en", "---\ntitle: 속보\nformat: html\n---\n<script>" + enBody + "</script><style>" + enBody + "</style><p>" + koBody + "</p>", "ko"},
		{"alt text", "ko", "---\ntitle: Photo\nformat: html\n---\n<p><img src=\"/a.jpg\" alt=\"" + enBody + "\"></p>", "ko"},
	}
	seed, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := tt.doc
			if doc == "" {
				doc = string(seed)
			}
			r, err := Parse(context.Background(), []byte(doc), Options{BaseURL: base, Lang: tt.site})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := r.Article.Lang; got != tt.want {
				t.Errorf("Lang = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzTextLang runs the detector on arbitrary text as title, excerpt and
// body: it never panics, and it returns the site's language or one of the
// scripts' languages.
func FuzzTextLang(f *testing.F) {
	for _, s := range []string{koBody, koMixed, enMixed, jaHeadline, zhBody + "ソニー", ruBody + enBody, thBody, "", "\xff\xfe가a"} {
		f.Add("ko", s)
		f.Add("fr-CA", s)
	}
	f.Add("zh-Hant-HK", zhBody)
	f.Add("-x-1234", enBody)
	langs := []string{"en", "ko", "ja", "zh", "ru", "ar", "he", "el", "th", "hi"}
	f.Fuzz(func(t *testing.T, site, text string) {
		third := len(text) / 3
		segs := []segment{{text: text[2*third:]}}
		got := textLang(site, text[:third], text[third:2*third], segs)
		if got != site && !slices.Contains(langs, got) {
			t.Errorf("textLang(%q, %q) = %q, want the site's or a script's language", site, text, got)
		}
	})
}
