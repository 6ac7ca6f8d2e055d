package com.example.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Run it with hotswap as an agent; edit the controller or the item while it serves. */
@SpringBootApplication
public class ShopApp {
    public static void main(String[] args) {
        var context = SpringApplication.run(ShopApp.class, args);
        System.out.println("shop: listening on port " + context.getEnvironment().getProperty("local.server.port"));
    }
}
