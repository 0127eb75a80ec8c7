# A shell script for Debian's armhf busybox-static: run as `busybox sh
# busybox_script.sh` in an empty directory; every line it prints is
# deterministic.  tests/test_syscalls_busybox.py compares its output under
# pyqemu with the output under qemu-arm.
set -e
echo "== setup"
mkdir -p a/b/c d
printf 'banana 3\napple 1\ncherry 2\napple 1\n' > a/fruit.txt
echo hello > a/b/c/deep.txt
seq 1 20 > a/nums.txt
touch -d '2020-01-02 03:04:05' a/fruit.txt a/b/c/deep.txt a/nums.txt
echo "== sort | uniq"
sort a/fruit.txt | uniq -c
sort -k2 -n -r a/fruit.txt | head -n 2
echo "== grep"
grep -n an a/fruit.txt
grep -c apple a/fruit.txt
grep -v apple a/fruit.txt | wc -l
echo "== sed"
sed -e 's/apple/APPLE/g' -e '/cherry/d' a/fruit.txt
echo "== awk"
awk '{ s += $2; n++ } END { print n, s }' a/fruit.txt
awk -F' ' '$2 > 1 { print $1 }' a/fruit.txt | sort
echo "== head / tail / wc"
head -n 3 a/nums.txt | tail -n 1
tail -n 2 a/nums.txt
wc -l < a/nums.txt
wc -c a/fruit.txt
echo "== subshells and redirections"
(cd a/b && echo "in $(basename "$(pwd)")")
x=$(cat a/b/c/deep.txt | tr a-z A-Z)
echo "upper: $x"
{ echo to-stdout; echo to-stderr >&2; } 2>err.txt
cat err.txt
echo appended >> err.txt
cat err.txt
exec 3> fd3.txt
echo via-fd3 >&3
exec 3>&-
cat fd3.txt
echo "== find | xargs"
find a -type f | sort
find a -name '*.txt' | sort | xargs echo files: | wc -w
find a -type d | sort | xargs -n 1 echo dir:
echo "== checksums"
md5sum a/fruit.txt a/nums.txt
cat a/fruit.txt | sha256sum
echo "== tar and gzip"
tar cf t.tar a
tar tf t.tar | sort
mkdir x
(cd x && tar xf ../t.tar)
cmp a/nums.txt x/a/nums.txt && echo "tar round trip ok"
gzip -c a/nums.txt > n.gz
gunzip -c n.gz | md5sum
tar czf t.tgz a
tar tzf t.tgz | wc -l
echo "== cp / mv / rm"
cp -r a copy
find copy | sort
mv copy moved
ls
rm -r moved
rm -f t.tar
ls
echo "== ls -l"
ls -l a/fruit.txt a/nums.txt | awk '{ print $1, $2, $5, $6, $7, $8, $9 }'
ls -ld a/b | awk '{ print $1 }'
echo "== stat"
stat -c '%n %s %a %F' a/nums.txt a a/b/c/deep.txt
echo "== date"
date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S'
date -u -d '2020-01-02 03:04:05' +%s
echo "== statuses"
false || echo "false gave $?"
sh -c 'exit 3' || echo "sh -c gave $?"
if grep -q cherry a/fruit.txt; then echo "found cherry"; fi
echo "== done"
