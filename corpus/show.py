"""Print articles FROM..FROM+COUNT-1 (1-based) of an annotation batch file.

    python3 corpus/show.py /work/annot/batches/ant-01.txt 1 5
"""
import sys

path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
articles = open(path, encoding="utf-8").read().split("=== ARTICLE ")[1:]
for n, article in enumerate(articles[first - 1:first - 1 + count], first):
    print(f"--- #{n} of {len(articles)} === ARTICLE {article.rstrip()}\n")
