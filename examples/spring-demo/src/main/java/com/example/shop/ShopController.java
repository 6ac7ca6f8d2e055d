package com.example.shop;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ShopController {
    /** Every request served: it goes on counting across every swap. */
    private int visits;

    @GetMapping("/item")
    public Item item() {
        visits++;
        return new Item("pen");
    }

    @GetMapping("/visits")
    public String visits() {
        return "visits=" + (++visits);
    }
}
