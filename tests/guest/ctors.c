/* Static constructors and destructors: __attribute__((constructor)) with
 * priorities, atexit handlers (run in reverse order of registration,
 * interleaved with destructors as the C library defines), and a check of the
 * whole event order by the last destructor to run, which turns a wrong order
 * into exit status 97 via _exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char events[64];
static int nevents;
static int main_ran;
static void ev(char c)
{
    events[nevents++] = c;
    events[nevents] = 0;
}

__attribute__((constructor(101))) static void ctor_first(void) { ev('A'); }
__attribute__((constructor(200))) static void ctor_second(void) { ev('B'); }
__attribute__((constructor)) static void ctor_default(void) { ev('C'); } /* after prioritised ones */

static void at1(void)
{
    ev('1');
    printf("atexit 1 (registered first, runs last of the handlers)\n");
}
static void at2(void)
{
    ev('2');
    printf("atexit 2\n");
}
static void at3(void)
{
    ev('3');
    printf("atexit 3 (registered last, runs first)\n");
}

__attribute__((destructor)) static void dtor_default(void)
{
    ev('d');
    printf("destructor (default priority)\n");
}
__attribute__((destructor(200))) static void dtor_200(void)
{
    ev('y');
    printf("destructor 200\n");
}
/* priority 101 destructors run last of all */
__attribute__((destructor(101))) static void dtor_last(void)
{
    ev('z');
    const char *want = "ABCM321dyz";
    printf("event order: %s\n", events);
    if (!main_ran || strcmp(events, want) != 0) {
        printf("FAIL: event order %s, want %s\n", events, want);
        fflush(stdout);
        _exit(97);
    }
    printf("ctors: order as expected\n");
    fflush(stdout);
}

int main(void)
{
    printf("in main, events so far: %s\n", events);
    if (strcmp(events, "ABC") != 0) {
        printf("FAIL: constructors ran as %s, want ABC\n", events);
        return 1;
    }
    main_ran = 1;
    ev('M');
    if (atexit(at1) || atexit(at2) || atexit(at3))
        return 1;
    return 0;
}
