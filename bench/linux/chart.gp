# SPDX-License-Identifier: BSD-3-Clause
#
# gnuplot -c bench/linux/chart.gp DATA OUT.svg SUBTITLE
# Draws bench/run.sh's table (DATA: "name vectraos linux" a line, "-" where
# a side has no figure) as log-scale bars, VectraOS beside Linux.
set terminal svg size 960,540 dynamic font "sans,13" background "white"
set output ARG2
set title "make bench: guest instructions per iteration (QEMU -icount shift=0), lower is better\n" \
	. "{/*0.8 ".ARG3."}"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set format y "10^{%L}"
set yrange [1:3e6]
set ylabel "instructions (log scale)"
rows = int(system("grep -c . '".ARG1."'"))
set xrange [-0.6:rows - 0.4]
set xtics rotate by 30 right noenhanced nomirror scale 0
set grid ytics
set key top left
set bmargin 9
set lmargin 14
plot ARG1 using 2:xtic(1) title "VectraOS" lc rgb "#2a6fb0", \
	'' using 3 title "Linux 6.1 guest" lc rgb "#c8553d", \
	'' using ($0 - 1.0/6):($2 * 1.3):2 with labels font "sans,9" notitle, \
	'' using ($0 + 1.0/6):($3 * 1.3):3 with labels font "sans,9" notitle
