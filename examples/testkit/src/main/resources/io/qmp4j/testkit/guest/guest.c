/*
 * The qmp4j test guest: a multiboot kernel that keeps running, dirties memory at a set rate,
 * and checks that the memory it wrote is still what it wrote.
 *
 * Command line (-append): "mb=N rate=R" dirties N MiB (default 64) starting at 16 MiB, at
 * R MiB per second (default 16; 0 = never dirty). Pages are written in sweeps: each page's
 * first word holds (page index, sweep number). Before overwriting a page, the guest checks
 * that it still holds what the previous sweep wrote; a mismatch counts as an integrity error.
 * A page lost by a migration is therefore found on the next sweep.
 *
 * Status block at guest-physical 0x5000, read by the host with "xp /4wx 0x5000":
 *   [0] magic 0x4c47494d ("MIGL")   [1] seconds of guest time since boot (by the TSC)
 *   [2] pages dirtied (low 32 bits)  [3] integrity errors (must stay 0)
 * It also prints "MIGLAB tick=N errors=E" on COM1 every second.
 */
typedef unsigned int u32;
typedef unsigned long long u64;

#define STATUS ((volatile u32 *)0x5000)
#define MAGIC 0x4c47494dU
#define REGION_BASE (16u << 20)
#define PAGE 4096u
#define SLICES 64u

static inline void outb(unsigned short port, unsigned char v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline unsigned char inb(unsigned short port) { unsigned char v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo; }

static void putc_serial(char c) {
    for (int i = 0; i < 100000 && !(inb(0x3f8 + 5) & 0x20); i++) { }
    outb(0x3f8, (unsigned char)c);
}
static void puts_serial(const char *s) { while (*s) putc_serial(*s++); }
static void putu_serial(u32 v) {
    char buf[11]; int i = 10; buf[i] = 0;
    do { buf[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    puts_serial(&buf[i]);
}

/* TSC ticks per second, from one 50 ms one-shot count of PIT channel 2 (1.193182 MHz; the
   16-bit counter holds at most 54 ms). */
static u64 pit_calibrate_tsc(void) {
    const unsigned latch = 1193182u / 20u;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);   /* gate channel 2 on, speaker off */
    outb(0x43, 0xb0);                          /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, latch & 0xff);
    outb(0x42, latch >> 8);
    u64 t0 = rdtsc();
    while (!(inb(0x61) & 0x20)) { }            /* OUT2 goes high at terminal count */
    return (rdtsc() - t0) * 20u;
}

static u32 parse_arg(const char *cmdline, const char *key, u32 dflt) {
    if (!cmdline) return dflt;
    for (const char *p = cmdline; *p; p++) {
        const char *k = key, *q = p;
        while (*k && *q == *k) { k++; q++; }
        if (!*k && *q == '=' && (p == cmdline || p[-1] == ' ')) {
            u32 v = 0; q++;
            if (*q < '0' || *q > '9') return dflt;
            while (*q >= '0' && *q <= '9') { v = v * 10 + (u32)(*q - '0'); q++; }
            return v;
        }
    }
    return dflt;
}

struct multiboot_info { u32 flags, mem_lower, mem_upper, boot_device, cmdline; };

void kmain(struct multiboot_info *mbi) {
    const char *cmdline = (mbi && (mbi->flags & 4)) ? (const char *)mbi->cmdline : 0;
    u32 mb = parse_arg(cmdline, "mb", 64);
    u32 rate = parse_arg(cmdline, "rate", 16);
    u32 fill = parse_arg(cmdline, "fill", 0);   /* 1: write the whole working set once at full speed first */
    u32 pages = mb * (1024u * 1024u / PAGE);
    /* Never write past the RAM QEMU gave us (mem_upper is KiB above 1 MiB). */
    if (mbi && (mbi->flags & 1)) {
        u32 top = (mbi->mem_upper + 1024u) * 1024u;
        if (REGION_BASE + pages * PAGE > top) pages = top > REGION_BASE ? (top - REGION_BASE) / PAGE : 0;
    }

    outb(0x3f8 + 1, 0x00); outb(0x3f8 + 3, 0x80); outb(0x3f8 + 0, 0x01); outb(0x3f8 + 1, 0x00);
    outb(0x3f8 + 3, 0x03); outb(0x3f8 + 2, 0xc7);  /* 115200 8N1 */

    STATUS[0] = MAGIC; STATUS[1] = 0; STATUS[2] = 0; STATUS[3] = 0;
    puts_serial("MIGLAB boot mb="); putu_serial(pages / 256); puts_serial(" rate="); putu_serial(rate); puts_serial("\n");

    /* Calibrate the TSC against 50 ms of the PIT's channel 2 (as Linux does): an RTC second
       took up to two seconds of every boot. */
    u64 tsc_per_sec = pit_calibrate_tsc();
    if (tsc_per_sec < 1000000) tsc_per_sec = 1000000;
    u64 slice = tsc_per_sec / SLICES;

    /* Pages per slice, as a fixed-point quotient so that low rates still dirty something. */
    u64 pages_per_sec = (u64)rate * (1024u * 1024u / PAGE);
    u64 acc = 0;
    u32 next = 0, sweep = 1, ticks = 0;
    u64 deadline = rdtsc() + slice;
    u64 next_tick = deadline - slice + tsc_per_sec;

    if (fill) {
        for (u32 i = 0; i < pages; i++) {
            volatile u32 *w = (volatile u32 *)(REGION_BASE + i * PAGE);
            w[0] = i; w[1] = 1;
            STATUS[2] = STATUS[2] + 1;
        }
        sweep = 2;
        deadline = rdtsc() + slice;
    }

    for (;;) {
        acc += pages_per_sec;
        u32 n = (u32)(acc / SLICES);
        acc %= SLICES;
        for (u32 i = 0; i < n && pages; i++) {
            volatile u32 *w = (volatile u32 *)(REGION_BASE + next * PAGE);
            if (sweep > 1 && (w[0] != next || w[1] != sweep - 1)) {
                STATUS[3] = STATUS[3] + 1;
            }
            w[0] = next; w[1] = sweep;
            STATUS[2] = STATUS[2] + 1;
            if (++next == pages) { next = 0; sweep++; }
        }
        while ((long long)(rdtsc() - deadline) < 0) { __asm__ volatile("pause"); }
        deadline += slice;
        /* Seconds of guest time by the TSC, which does not advance while the VM is stopped. */
        /* (No 64-bit division here: there is no libgcc in a freestanding 32-bit build.) */
        if ((long long)(rdtsc() - next_tick) >= 0) {
            next_tick += tsc_per_sec;
            STATUS[1] = ++ticks;
            puts_serial("MIGLAB tick="); putu_serial(ticks);
            puts_serial(" errors="); putu_serial(STATUS[3]); puts_serial("\n");
        }
        /* After a long pause (the VM was stopped), do not race to catch up. */
        if ((long long)(rdtsc() - deadline) > (long long)tsc_per_sec) deadline = rdtsc() + slice;
    }
}
