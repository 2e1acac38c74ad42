/// The built-in `Templates/page.mustache`, written out in Swift for the site's thousand pages.
///
/// Mustache finds each `{{field}}` by a name lookup up the context stack with half a dozen
/// dynamic casts; the page template has about forty, and on a 1000-page build those lookups were
/// a sixth of all CPU time (docs/performance.md). So while the handbook's theme does not replace
/// `page.mustache`, `Theme` renders pages here instead; a theme that does goes through Mustache
/// as before. `page.mustache` stays the one a theme author reads and copies: `BuiltInPageTests`
/// renders pages of every shape both ways, with the template text as it is embedded, and fails
/// on any byte that differs, so the two cannot drift apart.
enum BuiltInPage {
    static func render(_ v: PageView) -> String {
        let prefix = HTML.escape(v.rootPrefix), siteTitle = HTML.escape(v.siteTitle)
        var out = """
            <!DOCTYPE html>
            <html lang="zh-Hant">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(v.documentTitle))</title>
            <link rel="icon" href="\(prefix)assets/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="\(prefix)assets/style.css">
            <link rel="stylesheet" href="\(prefix)assets/docs.css">
            <script src="\(prefix)assets/site.js" defer></script>
            </head>
            <body class="kind-\(HTML.escape(v.kind))" id="top">
            <a class="skip" href="#main">跳到內容</a>
            <header class="topbar" role="banner">
              <button class="menu-toggle" type="button" aria-controls="site-nav" aria-expanded="false" hidden><span aria-hidden="true">☰</span> 選單</button>
              <a class="brand" href="\(prefix)index.html">\(siteTitle)</a>
              <p class="runinfo provenance">\(v.provenanceHTML)</p>
              <form class="search" action="\(prefix)search.html" role="search"><input type="search" name="q" placeholder="搜尋手冊…" aria-label="搜尋手冊"></form>
            </header>
            <p class="print-header">\(siteTitle) · \(v.provenanceHTML)</p>
            <div class="layout\(v.hasTOC ? " with-toc" : "")">
            <nav class="sidebar" id="site-nav" aria-label="手冊目錄">\(v.navHTML)</nav>
            <main id="main">
              \(v.breadcrumbsHTML)
              \(v.staleNotice.map { "<div class=\"banner stale-notice\" role=\"note\"><strong><span aria-hidden=\"true\">⚠</span> 審閱過期：</strong>\(HTML.escape($0))</div>" } ?? "")

            """
        if v.hasClaimedFailing {
            out += """
                  <div class="banner claimed-failing" role="alert">
                    <strong>⚠ 宣稱完成，但檢查失敗：</strong>本頁有勾選為完成的驗收條件，其檢查並未通過。
                    <ul>\(v.claimedFailingHTML)</ul>
                  </div>

                """
        }
        out += """
              \(v.factsHTML)
              \(v.countsHTML)

            """
        if v.hasTOC {
            out += """
                  <details class="toc" open>
                    <summary class="toc-title">本頁內容</summary>
                    <ul>\(v.tocHTML)</ul>
                  </details>

                """
        }
        out += """
              <article class="content" data-pagefind-body>
            \(v.bodyHTML)
              </article>

            """
        if v.hasSignOff {
            out += """
                  <section class="sign-off" aria-labelledby="sign-off-title">
                    <h2 id="sign-off-title">階段簽核</h2>
                    <p>本人已逐項檢視上列驗收條件與其檢查結果（\(v.runProvenanceHTML)）。</p>
                    <table><thead><tr><th>角色</th><th>姓名</th><th>簽名</th><th>日期</th></tr></thead>
                    <tbody><tr><td>階段負責人</td><td></td><td></td><td></td></tr><tr><td>審閱者</td><td></td><td></td><td></td></tr></tbody></table>
                  </section>

                """
        }
        if v.hasPager {
            out += """
                  <nav class="pager" aria-label="上一頁與下一頁">
                    \(v.prevHTML)
                    \(v.nextHTML)
                  </nav>

                """
        }
        out += """
            </main>
            </div>
            <footer class="footer">由 opsbook 產生 · <span class="provenance">\(v.provenanceHTML)</span></footer>
            <a class="to-top" href="#top">↑ 回到頂端</a>
            <script src="\(prefix)assets/vendor.js"></script><script src="\(prefix)assets/search.js"></script><script src="\(prefix)assets/docs.js"></script>
            </body>
            </html>

            """
        return out
    }
}
