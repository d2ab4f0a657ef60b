#!/usr/bin/env python3
"""Write the hand-made news pages of tests/web/pages/ and, with --bulk, a large set for speed.

Each page is one of the ARTICLES below (text written for this project, not taken from any
outlet) in one of five LAYOUTS modelled on the page structures common news CMSs produce
(WordPress, Arc-style React, Drupal, a wire-service page, an AMP-like mobile page): navigation,
header, cookie banner, figure with caption, share buttons, related-article lists, newsletter
box, comments and footer around the article body. Next to each NAME.html goes NAME.txt, the
expected main text: headline, then the body paragraphs, one per line (captions, bylines and
everything around the article excluded).

  python3 bench/html_pages.py                      # rewrite tests/web/pages/
  python3 bench/html_pages.py --bulk DIR --mb 60 --text FILE... [--pad-kb 40]
      # speed corpus: FILE's paragraphs wrapped in the layouts, with PAD KB of inline
      # script and style per page as real pages carry
"""
import argparse
import html
import json
import os
import sys

ARTICLES = [
    ("Drought cuts hydropower output across the region",
     "2024-01-09T07:30:00Z",
     ["Hydropower stations along the upper river produced a third less electricity in December than a year earlier, the regional grid operator said on Monday, as a second dry winter left reservoirs at their lowest level in a decade.",
      "Engineers have started rotating power cuts in three provinces. Industrial users were told to shift heavy loads to the night hours, when demand from households falls.",
      "The energy ministry said it would import more power from neighbouring grids under an agreement signed last spring, and that two gas-fired plants would run at full capacity until the snow melts."]),
    ("Parliament approves new customs code after long debate",
     "2024-01-17T15:05:00+03:00",
     ["Lawmakers passed a revised customs code late on Wednesday by 212 votes to 88, ending a debate that lasted most of the autumn session.",
      "The code moves most border declarations online and gives inspectors six hours, rather than three days, to clear perishable goods. Traders' associations had lobbied for the change for years.",
      "Opposition deputies said the law gives the customs service too much discretion over fines, and promised to challenge two articles before the constitutional court."]),
    ("Rail link to the coast opens for freight",
     "2024-02-02T09:00:00Z",
     ["The first freight train crossed the new mountain section of the coastal railway on Friday, carrying fertiliser and steel pipes to the port.",
      "The line shortens the trip from the inland industrial belt to the sea by almost two days. Operators expect six trains a day in each direction by the summer.",
      "Construction took seven years and was financed by a consortium of development banks. Passenger services are due to start once signalling work is finished next year."]),
    ("Central bank holds rates as inflation slows",
     "2024-02-14T11:00:00Z",
     ["The central bank left its main policy rate unchanged at 14 percent on Wednesday, saying price growth had slowed for a fourth month but remained above its target.",
      "Governor statements pointed to lower food prices and a steadier currency. Analysts polled before the meeting had expected the pause.",
      "The board said it could begin cutting rates in the second half of the year if wage growth eases and the budget deficit narrows as planned."]),
    ("Flood defences to be rebuilt along the delta",
     "2024-02-27T06:45:00Z",
     ["The government will spend the equivalent of 900 million dollars over five years to rebuild embankments along the river delta, the planning minister told reporters.",
      "Last year's floods breached the old walls in forty places and forced the evacuation of more than 200,000 people. Many of those families are still living in temporary shelters.",
      "Engineers plan to raise the embankments by a metre and to restore mangrove belts on the seaward side, which slow storm surges before they reach the walls."]),
    ("Election commission publishes final turnout figures",
     "2024-03-06T18:20:00+01:00",
     ["Turnout in Sunday's municipal elections reached 58 percent, the election commission said in its final count, up four points from the previous vote.",
      "Observers reported long queues in the capital's outer districts, where several polling stations opened late. The commission said voting hours were extended in those places.",
      "Results will be certified next week once complaints from two provinces have been reviewed. No party has asked for a full recount."]),
    ("Fishing fleets agree to share quotas in the northern gulf",
     "2024-03-19T08:10:00Z",
     ["Fishing associations from the three gulf states agreed on Tuesday to pool their annual quotas for two species of tuna, after scientists warned that stocks were close to collapse.",
      "Under the deal, each fleet will report its catch weekly to a joint office. Boats that exceed their share will be barred from the next season.",
      "Environmental groups welcomed the agreement but said it should cover the smaller coastal boats, which account for much of the catch of young fish."]),
    ("Teachers end strike after pay offer",
     "2024-04-03T13:00:00Z",
     ["Public school teachers returned to classrooms on Wednesday after their union accepted a pay offer that raises salaries by 11 percent over two years.",
      "The three-week strike closed most secondary schools in the country. The education ministry said exams would be moved back by a fortnight so that students can catch up.",
      "The union's leader said members had voted narrowly in favour, and warned that the dispute over class sizes was not settled."]),
    ("Mining company suspends work at copper site after protests",
     "2024-04-16T10:40:00Z",
     ["A mining company suspended work at its copper project in the highlands on Tuesday after residents blocked the access road for a fifth day.",
      "Villagers say the project's tailings dam threatens the river they use for irrigation. The company said its designs had been approved by the environment agency.",
      "The regional governor invited both sides to talks on Thursday and asked the police not to remove the blockade by force."]),
    ("Heat wave pushes power demand to record",
     "2024-05-08T16:00:00Z",
     ["Electricity demand reached a record on Wednesday afternoon as temperatures passed 46 degrees in the southern plains for the third day running.",
      "The grid operator asked offices to set air conditioning no lower than 26 degrees. Hospitals reported a rise in cases of heat stroke among outdoor workers.",
      "Meteorologists expect the heat to ease at the weekend when winds turn to the north, but warned that another hot spell was likely before the monsoon."]),
    ("Airline orders forty narrow-body jets",
     "2024-05-21T12:30:00Z",
     ["The national airline said on Tuesday it had ordered forty narrow-body jets, with deliveries starting in 2027, as it expands regional routes.",
      "The order replaces an ageing fleet and includes options for twenty more aircraft. The airline did not give the price, but list prices put the deal above four billion dollars.",
      "Executives said the new planes burn about a fifth less fuel per seat, which would help the carrier meet emissions targets set by the aviation authority."]),
    ("Court orders release of detained journalists",
     "2024-06-04T17:45:00Z",
     ["An appeals court ordered the release of two journalists on Tuesday, ruling that prosecutors had failed to show why they should be held before trial.",
      "The reporters were arrested in March after publishing documents about a public procurement contract. They still face charges of disclosing official secrets.",
      "Press freedom groups welcomed the ruling and called for the charges to be dropped. The prosecutor's office said it would study the decision."]),
    ("Wheat harvest beats forecasts despite late frost",
     "2024-06-25T07:00:00Z",
     ["Farmers have brought in a larger wheat harvest than expected, the agriculture ministry said on Tuesday, as rain in May made up for a late frost.",
      "The ministry raised its forecast to 21 million tonnes, enough to resume exports after a year of restrictions. Traders expect the first cargoes to leave in August.",
      "Grain storage remains a bottleneck, and the ministry said it would rent space in private warehouses to avoid losses during the autumn rains."]),
    ("City council votes to expand bus rapid transit",
     "2024-07-10T19:15:00+02:00",
     ["The city council approved two new bus rapid transit lines on Wednesday, connecting the eastern suburbs with the university district.",
      "Buses will run in separate lanes for most of the route, with stations every 800 metres. Construction is due to start in the spring and take about two years.",
      "Shop owners along the main avenue opposed the plan, saying the loss of parking would hurt business. The council promised compensation during the works."]),
    ("Refugee agency warns of funding gap",
     "2024-07-29T09:20:00Z",
     ["The refugee agency said on Monday it had received only a third of the money it needs this year to support people displaced by fighting in the border region.",
      "Food rations in the largest camps have already been cut by a quarter. Aid workers say malnutrition among young children is rising.",
      "The agency appealed to donor governments to release pledges made at a conference in February, and warned that clinics could close by October."]),
    ("Telecom regulator auctions new spectrum",
     "2024-08-13T14:00:00Z",
     ["The telecom regulator raised the equivalent of 1.2 billion dollars in an auction of mobile spectrum that ended on Tuesday after eleven rounds of bidding.",
      "Three operators won licences covering the bands needed for faster mobile data. The winners must cover ninety percent of the population within five years.",
      "A smaller operator withdrew from the auction in the second round, saying the reserve prices were too high for a company of its size."]),
    ("Wildfire forces evacuation of mountain villages",
     "2024-08-30T05:50:00Z",
     ["Firefighters were battling a wildfire in the pine forests above the valley on Friday after strong winds spread the flames overnight.",
      "Residents of six villages were moved to schools and sports halls in the town below. No injuries have been reported, but several barns and a sawmill burned.",
      "Water-bombing aircraft resumed flights at dawn. Officials said the fire would be hard to contain until the wind drops."]),
    ("Pension reform bill sent back to committee",
     "2024-09-18T16:30:00Z",
     ["The lower house sent a pension reform bill back to committee on Wednesday after the governing coalition failed to agree on the retirement age.",
      "The bill would raise the age gradually from 60 to 63 for men and from 58 to 61 for women. One coalition partner wants exemptions for miners and farm workers.",
      "The finance minister said the pension fund would run out of reserves within four years without changes, and urged parties to reach a compromise this month."]),
    ("Port strike delays container traffic",
     "2024-10-07T08:00:00Z",
     ["Container traffic at the country's largest port slowed sharply on Monday as dock workers began a 48-hour strike over shift patterns.",
      "Shipping lines diverted several vessels to a smaller terminal up the coast. Exporters of fresh fruit said delays of more than two days would spoil their cargo.",
      "The port authority said talks with the union would resume on Wednesday, and that it hoped to avoid a longer stoppage before the holiday season."]),
    ("Vaccination campaign reaches remote districts",
     "2024-10-22T10:00:00Z",
     ["Health workers have reached more than 90 percent of children under five in the remote northern districts with a measles vaccine, the health ministry said.",
      "Teams travelled by boat and on foot to villages cut off from roads, carrying the vaccines in solar-powered cool boxes.",
      "The campaign began after an outbreak last winter that infected several thousand children. Officials said routine vaccination would now be offered at mobile clinics every quarter."]),
    ("Border crossing reopens after three years",
     "2024-11-05T09:40:00Z",
     ["A border crossing closed during a dispute over transit fees reopened on Tuesday, allowing lorries and buses to pass for the first time in three years.",
      "Customs officers from both sides will work in a shared building to speed up checks. Traders in the nearby market town said they expected business to recover quickly.",
      "The two governments have also agreed to study a new road bridge over the river, which would take heavy traffic away from the old crossing."]),
    ("Startup fund backs farm software firms",
     "2024-11-26T15:10:00Z",
     ["A new venture fund backed by the state development bank said on Tuesday it would invest in twelve young companies that make software for farmers.",
      "The firms sell tools for irrigation scheduling, crop insurance and selling produce directly to supermarkets. Each will receive up to two million dollars.",
      "The fund's managers said they hoped to attract private investors to a second round next year, once the first companies show results."]),
]

COOKIE = '<div class="cookie-banner" id="cookie-consent" role="dialog"><p>We use cookies and similar technologies to personalise content and ads, and to analyse our traffic. By clicking Accept you agree to our use of cookies.</p><button>Accept all</button><button>Manage preferences</button></div>'
NEWSLETTER = '<aside class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our free newsletter and get the day\'s most important stories in your inbox every morning.</p><form><input type="email" placeholder="Your email"><button>Subscribe</button></form></aside>'
SHARE = '<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Share by email</a> <a href="#">Copy link</a></div>'
FOOTER = '<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul><p>Copyright 2024 {site}. All rights reserved. Reproduction without permission is prohibited.</p></footer>'
NAV = '<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li><li><a href="/politics">Politics</a></li><li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/video">Video</a></li></ul></nav>'
COMMENTS = '<section id="comments" class="comments-area"><h3>3 comments</h3><ol class="comment-list"><li class="comment"><p class="comment-author">reader_2291</p><p>This has been promised for years and nothing ever changes. I will believe it when I see it happen in my town.</p></li><li class="comment"><p class="comment-author">M. K.</p><p>Good reporting, thanks. Would be useful to know what the local officials think about all this.</p></li><li class="comment"><p class="comment-author">anon</p><p>Who is paying for this? Nobody ever answers that question.</p></li></ol><form class="comment-form"><textarea>Leave a comment</textarea><button>Post comment</button></form></section>'


def related(others):
    items = "".join(f'<li><a href="/news/{i}">{html.escape(t)}</a></li>' for i, t in others)
    return f'<section class="related-articles"><h2>Related stories</h2><ul>{items}</ul></section>'


def most_read(others):
    items = "".join(f'<li><a href="/story/{i}"><span class="rank">{k + 1}</span> {html.escape(t)}</a></li>' for k, (i, t) in enumerate(others))
    return f'<aside class="most-read"><h2>Most read</h2><ol>{items}</ol></aside>'


def figure(caption):
    return f'<figure class="lead-image"><img src="/img/lead.jpg" alt="" width="800" height="450"><figcaption>{html.escape(caption)} <span class="credit">Photo: Staff photographer</span></figcaption></figure>'


def paras(ps, cls=""):
    c = f' class="{cls}"' if cls else ""
    return "".join(f"<p{c}>{html.escape(p)}</p>" for p in ps)


def head(a, site, url, date, kind):
    title = html.escape(a[0])
    meta = [f'<meta charset="utf-8"><title>{title} | {site}</title>',
            f'<meta name="viewport" content="width=device-width, initial-scale=1">']
    if kind in ("canonical", "both"):
        meta.append(f'<link rel="canonical" href="{url}">')
    if kind in ("og", "both"):
        meta.append(f'<meta property="og:url" content="{url}">')
    meta.append(f'<meta property="og:site_name" content="{site}"><meta property="og:title" content="{title}"><meta property="og:type" content="article">')
    return meta


def layout_wordpress(a, site, url, others, body):
    h = head(a, site, url, a[1], "canonical")
    h.append(f'<meta property="article:published_time" content="{a[1]}">')
    return f"""<!DOCTYPE html><html lang="en"><head>{''.join(h)}<script>window.dataLayer=[];</script></head>
<body class="post-template-default single single-post">{COOKIE}<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/">{site}</a></p><p class="site-description">Independent news since 1998</p></div>{NAV}</header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article class="post type-post status-publish format-standard"><header class="entry-header"><h1 class="entry-title">{html.escape(a[0])}</h1><div class="entry-meta"><span class="byline">By <a href="/author/staff">Staff reporter</a></span> <time class="entry-date published" datetime="{a[1]}">{a[1][:10]}</time></div></header>
{figure("Workers at the site earlier this year.")}
<div class="entry-content">{body}</div>{SHARE}<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/news">News</a></span> <span class="tags-links">Tagged <a href="/tag/economy">economy</a>, <a href="/tag/region">region</a></span></footer></article>
{related(others)}{COMMENTS}</main></div><aside id="secondary" class="widget-area">{most_read(others)}{NEWSLETTER}</aside></div>{FOOTER.format(site=site)}</body></html>"""


def layout_arc(a, site, url, others, body):
    h = head(a, site, url, a[1], "both")
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a[0], "datePublished": a[1],
          "publisher": {"@type": "Organization", "name": site}, "mainEntityOfPage": url}
    h.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    return f"""<!DOCTYPE html><html lang="en"><head>{''.join(h)}</head><body><div id="fusion-app"><div class="layout-wrapper">
<div class="b-header-nav-chain"><div class="nav-logo"><a href="/">{site}</a></div>{NAV}<div class="nav-components--right"><a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a></div></div>
<div class="ad-slot ad-leaderboard"><span>Advertisement</span></div>
<main class="layout-main"><div class="article-header"><span class="overline"><a href="/world">World</a></span><h1 class="headline">{html.escape(a[0])}</h1><div class="byline-block">By Correspondent | Updated {a[1][:10]}</div></div>
{figure("A view of the area on the day of the announcement.")}
<article class="article-body">{body.replace("<p>", '<p class="c-paragraph">')}</article>
<div class="tags-list"><a href="/tags/government">Government</a><a href="/tags/economy">Economy</a></div>
{SHARE}<div class="read-more">{related(others)}</div></main>
<div class="right-rail">{most_read(others)}<div class="ad-slot ad-box"><span>Advertisement</span></div></div>
{FOOTER.format(site=site)}</div></div>{COOKIE}</body></html>"""


def layout_drupal(a, site, url, others, body):
    h = head(a, site, url, a[1], "canonical")
    return f"""<!DOCTYPE html><html lang="en" dir="ltr"><head>{''.join(h)}</head><body class="path-node page-node-type-article">
<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>{COOKIE}
<div class="dialog-off-canvas-main-canvas"><div class="layout-container"><header role="banner"><div class="region region-header"><a href="/" class="site-logo">{site}</a></div><div class="region region-primary-menu">{NAV}</div></header>
<div class="region region-breadcrumb"><nav class="breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ol></nav></div>
<main role="main"><a id="main-content" tabindex="-1"></a><div class="layout-content"><div class="region region-content">
<article role="article" class="node node--type-article node--view-mode-full"><h1 class="page-title"><span class="field field--name-title">{html.escape(a[0])}</span></h1>
<div class="node__meta"><span class="field--name-uid">Newsroom</span> <span class="field--name-created"><time datetime="{a[1]}">{a[1][:10]}</time></span></div>
<div class="node__content"><div class="field field--name-field-image">{figure("Officials at a press conference.")}</div>
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field__item">{body}</div>
<div class="field field--name-field-tags"><div class="field__label">Tags</div><div class="field__items"><a href="/taxonomy/term/4">Policy</a></div></div></div></article>
<div class="views-element-container block-views-blockrelated-content">{related(others)}</div>{COMMENTS}</div></div>
<aside class="layout-sidebar-first" role="complementary">{most_read(others)}{NEWSLETTER}</aside></main>{FOOTER.format(site=site)}</div></div></body></html>"""


def layout_wire(a, site, url, others, body):
    # No canonical link, og:url only; the date only in a <time> element.
    h = head(a, site, url, a[1], "og")
    return f"""<!DOCTYPE html><html><head>{''.join(h)}</head><body><div class="page">
<div class="topbar"><a href="/">{site}</a> <a href="/markets">Markets</a> <a href="/world">World</a> <a href="/tech">Technology</a> <a href="/search">Search</a></div>
<div class="alert-banner">Breaking news alerts: turn on notifications</div>
<div class="story"><div class="story-main"><h1>{html.escape(a[0])}</h1><p class="dateline-meta"><time datetime="{a[1]}">{a[1][:10]}</time> - 3 min read</p>
<div class="story-body">{body}</div>
<p class="story-trust">Our standards: The Trust Principles.</p></div>
<div class="story-side"><h4>More from World</h4><ul>{''.join(f'<li><a href="/w/{i}">{html.escape(t)}</a></li>' for i, t in others)}</ul></div></div>
<div class="footer"><p>All quotes delayed a minimum of 15 minutes.</p><p>{site}, the news and media division. Copyright 2024.</p></div>{COOKIE}</div></body></html>"""


def layout_amp(a, site, url, others, body):
    h = head(a, site, url, a[1], "canonical")
    h.append(f'<meta name="article:published_time" content="{a[1]}">')
    return f"""<!doctype html><html amp lang="en"><head>{''.join(h)}<style amp-custom>body{{font-family:sans-serif}}</style></head><body>
<amp-consent id="consent" layout="nodisplay"><div class="consent-ui">This site uses cookies to deliver its services and to analyse traffic. <button on="tap:consent.accept">OK</button></div></amp-consent>
<header class="amp-header"><a href="/">{site}</a><button class="hamburger">Menu</button></header>
<amp-sidebar id="sidebar" layout="nodisplay">{NAV}</amp-sidebar>
<div class="amp-article"><h1 class="amp-title">{html.escape(a[0])}</h1><div class="amp-meta">{a[1][:10]} | Staff</div>
<amp-img src="/img/lead.jpg" width="800" height="450" layout="responsive"></amp-img><p class="caption">Residents gather outside the town hall.</p>
<div class="amp-body">{body}</div></div>
<div class="amp-related"><h3>You may also like</h3>{''.join(f'<a class="card" href="/amp/{i}"><h4>{html.escape(t)}</h4></a>' for i, t in others)}</div>
{FOOTER.format(site=site)}</body></html>"""


LAYOUTS = [("wordpress", layout_wordpress), ("arc", layout_arc), ("drupal", layout_drupal),
           ("wire", layout_wire), ("amp", layout_amp)]
SITES = ["The Valley Courier", "Northern Ledger", "Coastal Daily", "Plains Herald", "Metro Observer"]


def page(k, a, body_paras, layout):
    name, fn = LAYOUTS[layout]
    site = SITES[layout]
    url = f"https://news{layout}.example/{2024}/story-{k:03d}"
    others = [(j, ARTICLES[j % len(ARTICLES)][0]) for j in range(k + 1, k + 5)]
    return name, fn(a, site, url, others, paras(body_paras))


def write_pages(out):
    os.makedirs(out, exist_ok=True)
    for k, a in enumerate(ARTICLES):
        name, doc = page(k, a, a[2], k % len(LAYOUTS))
        stem = f"{k + 1:02d}-{name}"
        with open(os.path.join(out, stem + ".html"), "w") as f:
            f.write(doc)
        with open(os.path.join(out, stem + ".txt"), "w") as f:
            f.write("\n".join([a[0]] + a[2]) + "\n")
    print(f"wrote {len(ARTICLES)} pages to {out}")


def write_bulk(out, mb, texts, pad_kb):
    """Wrap the paragraphs of TEXTS (bench corpus text) in the layouts, ~20 KB of text each."""
    paras_all = []
    for t in texts:
        with open(t, encoding="utf-8", errors="replace") as f:
            paras_all += [p.strip() for p in f.read().split("\n") if len(p.strip()) > 40]
    if not paras_all:
        sys.exit("no paragraphs in the text files")
    os.makedirs(out, exist_ok=True)
    total = 0
    text = 0
    k = 0
    i = 0
    while total < mb * 1_000_000:
        body = []
        size = 0
        while size < 6000:
            body.append(paras_all[i % len(paras_all)])
            size += len(body[-1])
            i += 1
        a = ARTICLES[k % len(ARTICLES)]
        _, doc = page(k, (body[0][:80], a[1], body), body, k % len(LAYOUTS))
        if pad_kb:
            # Real news pages carry inline scripts and styles (app state, ad and analytics
            # set-up) several times the size of their text; without them the HTML would be
            # mostly text and MB/s of HTML would flatter the reader.
            blob = json.dumps([{"id": f"{k}-{j}", "slot": "div-gpt-ad-" + str(j), "sizes": [[300, 250], [728, 90]],
                                "targeting": {"section": "world", "pos": j}} for j in range(pad_kb * 1024 // 110)])
            css = "".join(f".c{j}{{margin:{j % 7}px;padding:{j % 5}px;color:#{j % 4096:03x}}}" for j in range(pad_kb * 1024 // 4 // 40))
            doc = doc.replace("</head>", f"<style>{css}</style><script>window.__STATE__={blob};</script></head>", 1)
        path = os.path.join(out, f"p{k:06d}.html")
        with open(path, "w") as f:
            f.write(doc)
        total += len(doc.encode())
        text += sum(len(p.encode()) for p in body)
        k += 1
    print(f"wrote {k} pages, {total / 1e6:.1f} MB of HTML wrapping {text / 1e6:.1f} MB of text to {out}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "web", "pages"))
    ap.add_argument("--bulk")
    ap.add_argument("--mb", type=float, default=60)
    ap.add_argument("--text", nargs="*", default=[])
    ap.add_argument("--pad-kb", type=int, default=40, help="inline script and style per page (KB)")
    a = ap.parse_args()
    if a.bulk:
        write_bulk(a.bulk, a.mb, a.text, a.pad_kb)
    else:
        write_pages(a.out)
