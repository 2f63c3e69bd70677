package io.qmp4j.examples; public class Demo { public static void main(String[] a) {} }
