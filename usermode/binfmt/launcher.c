/* pyqemu-arm-binfmt: the native interpreter binfmt_misc starts.
 *
 * The kernel only hands AT_EXECFD (flags O and C) to an ELF interpreter, not
 * to a "#!" script (exec_binprm refuses a second interpreter level then), so
 * this small program stands between the kernel and Python.  It reads the
 * binfmt facts from its own auxiliary vector and passes them on:
 *
 *   PYQEMU_PYTHON -c BOOT <execfd or -1> <1 if argv[0] is preserved, else 0> argv[1]...
 *
 * argv[0] is preserved if AT_FLAGS has AT_FLAGS_PRESERVE_ARGV0 (Linux 5.12+)
 * or this program's name ends in "-binfmt-P" (registered with P on an older
 * kernel).  PYQEMU_PYTHON and PYQEMU_PKGDIR are fixed when it is compiled
 * (usermode/binfmt/launcher.py).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#ifndef AT_FLAGS_PRESERVE_ARGV0
#define AT_FLAGS_PRESERVE_ARGV0 1
#endif

#define BOOT "import sys; sys.path.insert(0, " PYQEMU_PKGDIR_REPR "); " \
             "from usermode.binfmt.invoke import launcher_main; sys.exit(launcher_main())"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int main(int argc, char **argv)
{
    char fdtext[24] = "-1";
    errno = 0;
    unsigned long fd = getauxval(AT_EXECFD);
    if (errno == 0)
        snprintf(fdtext, sizeof fdtext, "%lu", fd);
    int preserve = (getauxval(AT_FLAGS) & AT_FLAGS_PRESERVE_ARGV0) ||
                   (argc > 0 && ends_with(argv[0], "-binfmt-P"));
    char **args = calloc((size_t)argc + 6, sizeof *args);
    if (!args)
        return 127;
    int n = 0;
    args[n++] = PYQEMU_PYTHON;
    args[n++] = "-c";
    args[n++] = BOOT;
    args[n++] = fdtext;
    args[n++] = preserve ? "1" : "0";
    for (int i = 1; i < argc; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    execv(PYQEMU_PYTHON, args);
    fprintf(stderr, "pyqemu-arm-binfmt: cannot run %s: %s\n", PYQEMU_PYTHON, strerror(errno));
    return 127;
}
