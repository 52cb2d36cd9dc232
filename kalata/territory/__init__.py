"""Mali's territory: regions, cercles, the District of Bamako, the 703 communes, missions abroad."""
