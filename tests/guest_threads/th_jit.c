/* code changing while other threads run: one thread rewrites and runs
 * generated ARM code (cacheflush after each change) in one page, another
 * does the same in its own page, while two more threads run ordinary loops
 * and map, protect and unmap pages (which invalidates translations); every
 * call must return what was just written */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define ROUNDS 300

typedef int (*fn_t)(void);

static void *jit(void *a)
{
    long id = (long)a;
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return (void *)-1L;
    long bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        int k = (int)((i * 7 + id * 13) & 0xff);
        code[0] = 0xe3a00000u | (uint32_t)k;     /* mov r0, #k */
        code[1] = 0xe12fff1eu;                   /* bx lr */
        __builtin___clear_cache((char *)code, (char *)(code + 2));
        fn_t f = (fn_t)(uintptr_t)code;
        if (f() != k)
            bad++;
    }
    munmap(code, 4096);
    return (void *)bad;
}

static unsigned work(unsigned x, int n)
{
    for (int i = 0; i < n; i++)
        x = x * 2654435761u + (x >> 7);
    return x;
}

static void *mapper(void *a)
{
    unsigned x = (unsigned)(long)a;
    for (int i = 0; i < ROUNDS; i++) {
        char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset(p, i, 8192);
        mprotect(p, 4096, PROT_READ);
        x += (unsigned)p[4096] + work(x, 200);
        munmap(p, 8192);
    }
    return (void *)(long)(x & 0xffff);
}

int main(void)
{
    pthread_t j[2], m[2];
    void *r;
    for (long i = 0; i < 2; i++) {
        pthread_create(&j[i], NULL, jit, (void *)i);
        pthread_create(&m[i], NULL, mapper, (void *)(i + 1));
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(j[i], &r);
        printf("jit thread %d: %ld wrong results\n", i, (long)r);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(m[i], &r);
        printf("mapper thread %d: %ld\n", i, (long)r);
    }
    return 0;
}
