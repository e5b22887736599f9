# shellcheck shell=bash
# docker's tables: Go's tabwriter as docker's CLI sets it up (cells padded by 3
# to the widest of their column, at least MINWIDTH; the last column as it is).

# tabwriter MINWIDTH: the tab-separated rows on stdin, aligned. Widths count
# characters, not bytes (a truncated cell ends in "…").
tabwriter() {
    awk -F '\t' -v min="$1" '
        function width(s,   t) { t = s; return length(s) - gsub(/[\200-\277]/, "", t) }
        { rows[NR] = $0; if (NF > n) n = NF
          for (i = 1; i < NF; i++) if (width($i) + 3 > w[i]) w[i] = width($i) + 3 }
        END { for (r = 1; r <= NR; r++) {
                  k = split(rows[r], c, "\t"); line = ""
                  for (i = 1; i < k; i++) {
                      p = (w[i] < min ? min : w[i]) - width(c[i])
                      line = line c[i] sprintf("%" p "s", "")
                  }
                  print line c[k] } }'
}
