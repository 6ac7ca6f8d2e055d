package com.example;

import dev.hotswap.Hotswap;

/** The seed's example: edit {@link #test(int)}, recompile, and watch the running loop change. */
public class Demo {

    public static void main(String[] args) throws InterruptedException {
        Hotswap.start();
        for (int i = 1; ; i++) {
            test(i);
            Thread.sleep(2000);
        }
    }

    static void test(int n) {
        System.out.println("Foo: " + n);
    }
}
