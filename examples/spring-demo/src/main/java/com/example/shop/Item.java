package com.example.shop;

/** Written as JSON by the controller. */
public class Item {
    private final String name;

    public Item(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }
}
