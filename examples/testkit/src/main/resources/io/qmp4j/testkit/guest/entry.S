/* Multiboot (v1) entry of the qmp4j test guest: 32-bit protected mode, paging off. */
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002            /* magic */
    .long 0x00000000            /* flags: ELF kernel, nothing requested */
    .long -(0x1BADB002)         /* checksum */

    .section .text
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    push %ebx                   /* multiboot info */
    call kmain
1:  hlt
    jmp 1b

    .section .bss
    .align 16
    .space 65536
stack_top:

    .section .note.GNU-stack, "", @progbits
