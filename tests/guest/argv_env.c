/* Prints argc, every argument (argv[0] by the start of its basename only:
 * the path and the build-variant suffix differ between set-ups) and the values of a few environment variables the test
 * harness passes; checks them against the values the harness is known to
 * pass when PYQEMU_TEST_EXPECT=1 is set. */
#include "selfcheck.h"
#include <stdlib.h>
#include <string.h>

extern char **environ;

/* "/x/y/argv_env-O2-thumb" -> "argv_env" */
static const char *base(const char *p)
{
    static char name[64];
    const char *s = strrchr(p, '/');
    s = s ? s + 1 : p;
    size_t n = strcspn(s, "-");
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, s, n);
    name[n] = 0;
    return name;
}

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    printf("argv[0] name=%s\n", base(argv[0]));
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    CHECK(argv[argc] == NULL);
    CHECK(envp == environ);

    static const char *names[] = {"PYQEMU_T1", "PYQEMU_T2", "PYQEMU_EMPTY", "PYQEMU_UNSET_VAR"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        printf("%s=%s%s%s\n", names[i], v ? "[" : "", v ? v : "(unset)", v ? "]" : "");
    }
    /* the environment block is well formed */
    int nenv = 0, wellformed = 1;
    for (char **e = envp; *e; e++) {
        wellformed &= strchr(*e, '=') != NULL;
        nenv++;
    }
    CHECK(wellformed);
    CHECK(nenv > 0);

    if (getenv("PYQEMU_TEST_EXPECT")) {
        /* the harness passes: args "alpha" "two words" "" "ünï" "--flag=x" */
        CHECK_EQ_S(argc, 6);
        if (argc == 6) {
            CHECK_STR(argv[1], "alpha");
            CHECK_STR(argv[2], "two words");
            CHECK_STR(argv[3], "");
            CHECK_STR(argv[4], "\xc3\xbcn\xc3\xaf");
            CHECK_STR(argv[5], "--flag=x");
        }
        CHECK(getenv("PYQEMU_T1") && strcmp(getenv("PYQEMU_T1"), "hello world") == 0);
        CHECK(getenv("PYQEMU_T2") && strcmp(getenv("PYQEMU_T2"), "42") == 0);
        CHECK(getenv("PYQEMU_EMPTY") && getenv("PYQEMU_EMPTY")[0] == 0);
        CHECK(getenv("PYQEMU_UNSET_VAR") == NULL);
    }
    /* the strings argv points at are writable */
    if (argc > 1 && argv[1][0]) {
        argv[1][0] = 'A';
        CHECK_EQ_S(argv[1][0], 'A');
    }
    return finish("argv_env");
}
